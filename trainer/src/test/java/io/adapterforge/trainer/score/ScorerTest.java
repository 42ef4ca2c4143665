package io.adapterforge.trainer.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import io.adapterforge.trainer.NdManagerExtension;
import io.adapterforge.trainer.ReferenceModels;
import io.adapterforge.trainer.model.DecoderModel;
import io.adapterforge.trainer.train.TrainingExample;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@link Scorer} on the tiny Llama reference model (vocabulary 512). */
@ExtendWith(NdManagerExtension.class)
class ScorerTest {
  private static final int IGNORE = TrainingExample.IGNORE_INDEX;

  private static NDManager shared;
  private static DecoderModel model;

  @BeforeAll
  static void loadModel() {
    shared = NDManager.newBaseManager();
    model = DecoderModel.load(ReferenceModels.model("llama"), shared);
  }

  @AfterAll
  static void closeModel() {
    model.close();
    shared.close();
  }

  @Test
  void scoresEachRowAsTheMeanNllOfItsShiftedTrainedTokens(NDManager manager) {
    List<TrainingExample> rows = randomRows(7, 11);

    List<RowScore> scores = new Scorer(model, 3, manager).score(rows);

    assertThat(scores).hasSize(rows.size());
    for (int r = 0; r < rows.size(); r++) {
      TrainingExample row = rows.get(r);
      // Independent path: full logits of the row alone, log-softmax in double precision.
      float[] logits =
          model.logits(manager.create(new long[][] {toLong(row.inputIds())}), null).toFloatArray();
      int vocab = model.config().vocabSize();
      double sum = 0;
      long count = 0;
      for (int t = 0; t + 1 < row.length(); t++) {
        int target = row.labels()[t + 1];
        if (target == IGNORE) {
          continue;
        }
        double max = Double.NEGATIVE_INFINITY;
        for (int v = 0; v < vocab; v++) {
          max = Math.max(max, logits[t * vocab + v]);
        }
        double norm = 0;
        for (int v = 0; v < vocab; v++) {
          norm += Math.exp(logits[t * vocab + v] - max);
        }
        sum += max + Math.log(norm) - logits[t * vocab + target];
        count++;
      }
      RowScore score = scores.get(r);
      assertThat(score.isError()).as(score.toString()).isFalse();
      assertThat(score.loss().count()).isEqualTo(count);
      assertThat(score.loss().mean()).isCloseTo(sum / count, within(1e-4 * (sum / count)));
    }
  }

  @Test
  void givesTheSameScoresWhateverTheBatchSize(NDManager manager) {
    List<TrainingExample> rows = randomRows(6, 12);
    List<RowScore> one = new Scorer(model, 1, manager).score(rows);
    List<RowScore> many = new Scorer(model, 4, manager).score(rows);
    for (int r = 0; r < rows.size(); r++) {
      assertThat(many.get(r).loss().count()).isEqualTo(one.get(r).loss().count());
      assertThat(many.get(r).loss().sum()).isCloseTo(one.get(r).loss().sum(), within(1e-3));
    }
  }

  @Test
  void failsBadRowsAloneAndKeepsTheOrder(NDManager manager) {
    List<TrainingExample> good = randomRows(2, 13);
    List<TrainingExample> rows = new ArrayList<>();
    rows.add(good.get(0));
    rows.add(new TrainingExample(new int[] {5, 600, 7}, new int[] {IGNORE, 600, 7}));
    rows.add(new TrainingExample(new int[] {5, 6, 7}, new int[] {5, IGNORE, IGNORE}));
    rows.add(new TrainingExample(new int[] {5, 6, 7}, new int[] {IGNORE, 6, 512}));
    rows.add(
        new TrainingExample(
            new int[model.config().maxPositionEmbeddings() + 1],
            new int[model.config().maxPositionEmbeddings() + 1]));
    rows.add(good.get(1));

    List<RowScore> scores = new Scorer(model, 8, manager).score(rows);
    List<RowScore> alone = new Scorer(model, 8, manager).score(good);

    assertThat(scores.get(0)).isEqualTo(alone.get(0));
    assertThat(scores.get(5)).isEqualTo(alone.get(1));
    assertThat(scores.get(1).error())
        .isEqualTo(
            "TOKEN_OUT_OF_VOCABULARY: input_ids[1] = 600 is outside the vocabulary [0, 512)");
    assertThat(scores.get(2).error())
        .isEqualTo("NO_TRAINED_TOKEN: none of the 3 labels after the first is trained");
    assertThat(scores.get(3).error())
        .isEqualTo("TOKEN_OUT_OF_VOCABULARY: labels[2] = 512 is outside the vocabulary [0, 512)");
    int max = model.config().maxPositionEmbeddings();
    assertThat(scores.get(4).error())
        .isEqualTo("TOO_LONG: " + (max + 1) + " tokens exceed max_position_embeddings " + max);
  }

  @Test
  void rejectsANonPositiveBatchSize(NDManager manager) {
    assertThatThrownBy(() -> new Scorer(model, 0, manager))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot use batch size 0: must be positive");
  }

  private static List<TrainingExample> randomRows(int count, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    List<TrainingExample> rows = new ArrayList<>();
    for (int r = 0; r < count; r++) {
      int length = 4 + random.nextInt(9);
      int prompt = 1 + random.nextInt(length - 2);
      int[] ids = new int[length];
      int[] labels = new int[length];
      for (int t = 0; t < length; t++) {
        ids[t] = 3 + random.nextInt(509);
        labels[t] = t < prompt ? IGNORE : ids[t];
      }
      rows.add(new TrainingExample(ids, labels));
    }
    return rows;
  }

  private static long[] toLong(int[] values) {
    long[] result = new long[values.length];
    for (int i = 0; i < values.length; i++) {
      result[i] = values[i];
    }
    return result;
  }
}
