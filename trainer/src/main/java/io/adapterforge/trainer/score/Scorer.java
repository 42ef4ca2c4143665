package io.adapterforge.trainer.score;

import static java.util.Objects.requireNonNull;

import ai.djl.ndarray.NDManager;
import io.adapterforge.trainer.model.DecoderModel;
import io.adapterforge.trainer.model.ModelConfig;
import io.adapterforge.trainer.train.CausalLmLoss;
import io.adapterforge.trainer.train.LossSum;
import io.adapterforge.trainer.train.TrainingExample;
import java.util.ArrayList;
import java.util.List;

/**
 * Scores rows on a model as it is (attach a LoRA adapter first to score base + adapter): each row's
 * summed cross-entropy over its trained tokens with Hugging Face's shift, exactly the quantity the
 * training loss averages. Rows are checked against the model first, so one bad row becomes a {@link
 * RowScore#failed failed} score instead of failing its batch.
 *
 * <p>Callers stream: hand {@link #score} a few rows at a time (about {@link #batchSize()}); memory
 * is bounded by the rows given. Computes no gradients (the model and an attached adapter in eval
 * mode track none) and applies no dropout. Not thread-safe; one scorer per model at a time.
 */
public final class Scorer {
  /** Rows per forward pass unless told otherwise. */
  public static final int DEFAULT_BATCH_SIZE = 8;

  /** A token id or label outside the model's vocabulary. */
  public static final String TOKEN_OUT_OF_VOCABULARY = "TOKEN_OUT_OF_VOCABULARY";

  /** More tokens than {@code max_position_embeddings}. */
  public static final String TOO_LONG = "TOO_LONG";

  /** No trained label after the first token, so there is nothing to average. */
  public static final String NO_TRAINED_TOKEN = "NO_TRAINED_TOKEN";

  private final DecoderModel model;
  private final int batchSize;
  private final NDManager manager;

  /**
   * @param batchSize rows per forward pass; positive
   * @param manager parent of the per-batch scratch managers, which are closed after each batch
   */
  public Scorer(DecoderModel model, int batchSize, NDManager manager) {
    this.model = requireNonNull(model, "model is null");
    this.manager = requireNonNull(manager, "manager is null");
    if (batchSize <= 0) {
      throw new IllegalArgumentException(
          "Cannot use batch size " + batchSize + ": must be positive");
    }
    this.batchSize = batchSize;
  }

  public int batchSize() {
    return batchSize;
  }

  /** The score of each row, in the order given. */
  public List<RowScore> score(List<TrainingExample> rows) {
    requireNonNull(rows, "rows is null");
    List<RowScore> scores = new ArrayList<>(rows.size());
    List<TrainingExample> valid = new ArrayList<>();
    List<Integer> validIndex = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      RowScore problem = check(rows.get(i));
      scores.add(problem);
      if (problem == null) {
        valid.add(rows.get(i));
        validIndex.add(i);
      }
    }
    if (!valid.isEmpty()) {
      List<LossSum> losses = CausalLmLoss.score(model, valid, batchSize, manager);
      for (int i = 0; i < losses.size(); i++) {
        scores.set(validIndex.get(i), RowScore.scored(losses.get(i)));
      }
    }
    return scores;
  }

  /** The reason {@code row} cannot be scored on this model, or null when it can. */
  private RowScore check(TrainingExample row) {
    ModelConfig config = model.config();
    int[] ids = row.inputIds();
    int[] labels = row.labels();
    if (ids.length > config.maxPositionEmbeddings()) {
      return RowScore.failed(
          TOO_LONG,
          ids.length + " tokens exceed max_position_embeddings " + config.maxPositionEmbeddings());
    }
    for (int t = 0; t < ids.length; t++) {
      if (ids[t] < 0 || ids[t] >= config.vocabSize()) {
        return outOfVocabulary("input_ids", t, ids[t], config);
      }
      if (labels[t] >= config.vocabSize()) {
        return outOfVocabulary("labels", t, labels[t], config);
      }
    }
    // The first label is never scored: no position predicts it.
    for (int t = 1; t < labels.length; t++) {
      if (labels[t] != TrainingExample.IGNORE_INDEX) {
        return null;
      }
    }
    return RowScore.failed(
        NO_TRAINED_TOKEN, "none of the " + labels.length + " labels after the first is trained");
  }

  private static RowScore outOfVocabulary(String field, int index, int id, ModelConfig config) {
    return RowScore.failed(
        TOKEN_OUT_OF_VOCABULARY,
        String.format(
            "%s[%d] = %d is outside the vocabulary [0, %d)", field, index, id, config.vocabSize()));
  }
}
