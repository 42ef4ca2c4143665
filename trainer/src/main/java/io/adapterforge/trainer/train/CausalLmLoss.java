package io.adapterforge.trainer.train;

import static java.util.Objects.requireNonNull;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.adapterforge.trainer.model.DecoderModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The causal language-modeling loss of transformers' {@code ForCausalLMLoss}: cross-entropy of the
 * logits at position {@code t} against the label at {@code t + 1}, over the positions whose label
 * is not {@value TrainingExample#IGNORE_INDEX}, in float32. Logits are computed only at those
 * positions (the LM head runs on the selected hidden states), which gives the same numbers as
 * slicing full logits. Stateless; as thread-safe as the model's forward pass.
 */
public final class CausalLmLoss {
  private CausalLmLoss() {}

  /**
   * The summed cross-entropy of a batch as a scalar attached to {@code manager}, differentiable
   * with respect to whatever the forward pass tracks (the LoRA weights while training).
   */
  static NDArray sum(DecoderModel model, Batch batch, NDManager manager) {
    return tokenLosses(model, batch, manager).sum();
  }

  /** The cross-entropy of each scored position of a batch, {@code [scored]}. */
  static NDArray tokenLosses(DecoderModel model, Batch batch, NDManager manager) {
    NDArray hidden = model.hiddenStates(batch.inputIds(manager), batch.attentionMask(manager));
    long width = hidden.getShape().get(2);
    NDArray selected =
        hidden
            .reshape(new Shape((long) batch.rows() * batch.sequenceLength(), width))
            .get(batch.positions(manager));
    NDArray logProbabilities = model.head(selected).logSoftmax(-1);
    return logProbabilities.gather(batch.targets(manager), 1).reshape(-1).neg();
  }

  /**
   * The loss of each example on its own (sum and count of its scored tokens), in input order;
   * examples are batched {@code batchSize} at a time by similar length. Arrays live in a
   * sub-manager of {@code manager} that is closed before returning. Computes no gradients when no
   * array the forward pass reads requires one.
   *
   * @throws IllegalArgumentException if an id is outside the vocabulary
   */
  public static List<LossSum> score(
      DecoderModel model, List<TrainingExample> examples, int batchSize, NDManager manager) {
    requireNonNull(model, "model is null");
    requireNonNull(examples, "examples is null");
    requireNonNull(manager, "manager is null");
    if (batchSize <= 0) {
      throw new IllegalArgumentException("Cannot use batch size " + batchSize);
    }
    Integer[] order = new Integer[examples.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.comparingInt((Integer i) -> examples.get(i).length()));
    double[] sums = new double[examples.size()];
    long[] counts = new long[examples.size()];
    for (int start = 0; start < order.length; start += batchSize) {
      List<Integer> rows =
          Arrays.asList(order).subList(start, Math.min(order.length, start + batchSize));
      List<TrainingExample> members = new ArrayList<>();
      rows.forEach(row -> members.add(examples.get(row)));
      Batch batch = Batch.of(members, 0);
      if (batch.scoredTokens() == 0) {
        continue;
      }
      try (NDManager scope = manager.newSubManager()) {
        float[] losses = tokenLosses(model, batch, scope).toFloatArray();
        for (int i = 0; i < losses.length; i++) {
          int row = rows.get(batch.rowOf(i));
          sums[row] += losses[i];
          counts[row]++;
        }
      }
    }
    List<LossSum> result = new ArrayList<>();
    for (int i = 0; i < sums.length; i++) {
      result.add(new LossSum(sums[i], counts[i]));
    }
    return result;
  }

  /** The token-weighted mean loss over every example: the sum of {@link #score}. */
  public static LossSum total(
      DecoderModel model, List<TrainingExample> examples, int batchSize, NDManager manager) {
    LossSum total = new LossSum(0, 0);
    for (LossSum sum : score(model, examples, batchSize, manager)) {
      total = total.plus(sum);
    }
    return total;
  }
}
