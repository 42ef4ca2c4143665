package io.adapterforge.trainer.train;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;

/**
 * One training row: token ids and, aligned with them, the labels ({@code -100} where the token is
 * not trained, else the token id itself, as in the prepared dataset). Following Hugging Face, the
 * loss at position {@code t} predicts {@code labels[t + 1]} from the tokens up to {@code t}.
 *
 * <p>The arrays are copied in and out, so a record is immutable.
 *
 * @param inputIds token ids, at least one
 * @param labels as many labels as ids, each {@value #IGNORE_INDEX} or a token id
 */
public record TrainingExample(int[] inputIds, int[] labels) {
  /** The label of a token that is not trained (PyTorch's {@code ignore_index}). */
  public static final int IGNORE_INDEX = -100;

  public TrainingExample {
    requireNonNull(inputIds, "inputIds is null");
    requireNonNull(labels, "labels is null");
    if (inputIds.length == 0) {
      throw new IllegalArgumentException("Cannot use a training example without tokens");
    }
    if (labels.length != inputIds.length) {
      throw new IllegalArgumentException(
          String.format(
              "Cannot use a training example with %d input_ids and %d labels: they must align",
              inputIds.length, labels.length));
    }
    for (int label : labels) {
      if (label < 0 && label != IGNORE_INDEX) {
        throw new IllegalArgumentException(
            "Cannot use label " + label + ": must be a token id or " + IGNORE_INDEX);
      }
    }
    inputIds = inputIds.clone();
    labels = labels.clone();
  }

  @Override
  public int[] inputIds() {
    return inputIds.clone();
  }

  @Override
  public int[] labels() {
    return labels.clone();
  }

  /** The number of tokens. */
  public int length() {
    return inputIds.length;
  }

  /** The number of positions the loss scores: labels after the first that are not ignored. */
  public int lossTokens() {
    int count = 0;
    for (int i = 1; i < labels.length; i++) {
      if (labels[i] != IGNORE_INDEX) {
        count++;
      }
    }
    return count;
  }

  int inputId(int index) {
    return inputIds[index];
  }

  int label(int index) {
    return labels[index];
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof TrainingExample
        && Arrays.equals(inputIds, ((TrainingExample) other).inputIds)
        && Arrays.equals(labels, ((TrainingExample) other).labels);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(inputIds) + Arrays.hashCode(labels);
  }

  @Override
  public String toString() {
    return "TrainingExample[" + inputIds.length + " tokens, " + lossTokens() + " trained]";
  }
}
