package io.adapterforge.trainer.train;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Small synthetic training rows: a prompt of ignored labels, then trained tokens. */
final class Rows {
  private Rows() {}

  /** {@code count} rows of 5..{@code maxLength} tokens with ids in [3, vocab). */
  static List<TrainingExample> random(int count, int maxLength, int vocab, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    List<TrainingExample> rows = new ArrayList<>();
    for (int r = 0; r < count; r++) {
      int length = 5 + random.nextInt(maxLength - 4);
      int prompt = 1 + random.nextInt(length - 3);
      int[] ids = new int[length];
      int[] labels = new int[length];
      for (int i = 0; i < length; i++) {
        ids[i] = 3 + random.nextInt(vocab - 3);
        labels[i] = i < prompt ? TrainingExample.IGNORE_INDEX : ids[i];
      }
      rows.add(new TrainingExample(ids, labels));
    }
    return rows;
  }

  /** A row whose every label after the first is trained. */
  static TrainingExample trained(int... ids) {
    int[] labels = ids.clone();
    labels[0] = TrainingExample.IGNORE_INDEX;
    return new TrainingExample(ids, labels);
  }
}
