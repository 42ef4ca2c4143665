package io.adapterforge.trainer.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.adapterforge.trainer.NativeArrays;
import java.util.List;

/**
 * A right-padded micro-batch: token ids and attention mask {@code [rows, seq]} (seq = the longest
 * row), and the positions the loss scores with their targets — position {@code t} of a row is
 * scored when its label at {@code t + 1} is not ignored, and its target is that label (Hugging
 * Face's shift). Immutable.
 */
final class Batch {
  private final int rows;
  private final int sequenceLength;
  private final long[] ids;
  private final long[] mask;
  private final long[] positions;
  private final long[] targets;
  private final long tokens;

  private Batch(
      int rows,
      int sequenceLength,
      long[] ids,
      long[] mask,
      long[] positions,
      long[] targets,
      long tokens) {
    this.rows = rows;
    this.sequenceLength = sequenceLength;
    this.ids = ids;
    this.mask = mask;
    this.positions = positions;
    this.targets = targets;
    this.tokens = tokens;
  }

  /** Pads {@code examples} on the right with {@code padTokenId}. */
  static Batch of(List<TrainingExample> examples, int padTokenId) {
    int rows = examples.size();
    int seq = 0;
    int scored = 0;
    long tokens = 0;
    for (TrainingExample example : examples) {
      seq = Math.max(seq, example.length());
      scored += example.lossTokens();
      tokens += example.length();
    }
    long[] ids = new long[rows * seq];
    long[] mask = new long[rows * seq];
    long[] positions = new long[scored];
    long[] targets = new long[scored];
    int next = 0;
    for (int row = 0; row < rows; row++) {
      TrainingExample example = examples.get(row);
      int offset = row * seq;
      for (int t = 0; t < seq; t++) {
        boolean real = t < example.length();
        ids[offset + t] = real ? example.inputId(t) : padTokenId;
        mask[offset + t] = real ? 1 : 0;
        if (real && t + 1 < example.length()) {
          int label = example.label(t + 1);
          if (label != TrainingExample.IGNORE_INDEX) {
            positions[next] = offset + t;
            targets[next] = label;
            next++;
          }
        }
      }
    }
    return new Batch(rows, seq, ids, mask, positions, targets, tokens);
  }

  int rows() {
    return rows;
  }

  int sequenceLength() {
    return sequenceLength;
  }

  /** Scored positions (the loss's denominator). */
  long scoredTokens() {
    return positions.length;
  }

  /** Real (non-padding) tokens. */
  long tokens() {
    return tokens;
  }

  NDArray inputIds(NDManager manager) {
    return NativeArrays.copyOf(manager, ids, new Shape(rows, sequenceLength));
  }

  NDArray attentionMask(NDManager manager) {
    return NativeArrays.copyOf(manager, mask, new Shape(rows, sequenceLength));
  }

  /** Flat indices {@code row·seq + t} of the scored positions, in row-major order. */
  NDArray positions(NDManager manager) {
    return NativeArrays.copyOf(manager, positions, new Shape(positions.length));
  }

  /** The target token of each scored position, {@code [scored, 1]}. */
  NDArray targets(NDManager manager) {
    return NativeArrays.copyOf(manager, targets, new Shape(targets.length, 1));
  }

  /** The row each scored position belongs to. */
  int rowOf(int scoredIndex) {
    return (int) (positions[scoredIndex] / sequenceLength);
  }
}
