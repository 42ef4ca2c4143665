package io.adapterforge.evaluate;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.adapterforge.dataset.PreparedLayout;
import io.adapterforge.evaluation.generate.Generation;
import io.adapterforge.evaluation.generate.GreedyGenerator;
import io.adapterforge.train.BaseModelCache;
import io.adapterforge.train.ParquetExampleSource;
import io.adapterforge.train.ParquetExampleSource.PreparedRow;
import io.adapterforge.train.TaskDevice;
import io.adapterforge.trainer.lora.LoraAdapter;
import io.adapterforge.trainer.lora.LoraMixture;
import io.adapterforge.trainer.model.DecoderModel;
import io.adapterforge.trainer.peft.PeftAdapter;
import io.adapterforge.trainer.score.RowScore;
import io.adapterforge.trainer.score.Scorer;
import io.adapterforge.trainer.storage.StorageDirectory;
import io.adapterforge.trainer.train.ThreadAttachment;
import io.adapterforge.trainer.train.TrainingExample;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;

/**
 * Runs the evaluation works of one task on the executor's cached base model ({@link
 * BaseModelCache}): attaches the work's adapter (loaded from its PEFT folder, or the mixture of
 * several), scores the capped test rows of each split with {@link Scorer}, and generates greedy
 * replies with a KV cache ({@link GreedyGenerator}). The adapter is attached for the task's thread
 * only ({@link ThreadAttachment}) and detached before the next work, so one loaded base model
 * serves every adapter and every task of the executor at once. A failing work is returned with its
 * error and does not stop the others.
 */
public final class EvalTask
    implements FlatMapFunction<Iterator<Tuple2<Integer, EvalWork>>, EvalOutcome> {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(EvalTask.class);
  private static final GreedyGenerator GENERATOR = new GreedyGenerator();

  @Override
  public Iterator<EvalOutcome> call(Iterator<Tuple2<Integer, EvalWork>> works) {
    TaskContext task = TaskContext.get();
    Optional<String> gpu = TaskDevice.gpuAddress(task);
    TaskDevice.useThreads(0, task);
    Device device =
        TaskDevice.device(
            gpu, "Evaluation task " + (task == null ? 0 : task.partitionId()), LOG::warn);
    Configuration hadoop = new Configuration();
    List<EvalOutcome> outcomes = new ArrayList<>();
    while (works.hasNext()) {
      outcomes.add(run(works.next()._2(), device, hadoop));
    }
    return outcomes.iterator();
  }

  /** Runs one work; never throws for a failure of the work itself. */
  static EvalOutcome run(EvalWork work, Device device, Configuration hadoop) {
    long started = System.nanoTime();
    String executor = SparkEnv.get() == null ? "driver" : SparkEnv.get().executorId();
    EvalSettings settings = work.settings();
    try (BaseModelCache.Lease lease =
            BaseModelCache.acquire(
                settings.baseModel(), settings.baseModelFingerprint(), device, LOG::info);
        NDManager manager = lease.manager().newSubManager()) {
      DecoderModel model = lease.model();
      LoraAdapter adapter = adapter(work, model, manager);
      // For this thread only: other tasks of the JVM score other adapters on the same model.
      ThreadAttachment attachment =
          adapter == null ? null : ThreadAttachment.attach(model, adapter);
      try {
        List<EvalOutcome.SplitScore> scores = new ArrayList<>();
        Scorer scorer = new Scorer(model, settings.batchSize(), manager);
        for (String split : work.scoreSplits()) {
          scores.add(
              score(scorer, split, rows(settings, split, settings.maxRowsPerSplit(), hadoop)));
        }
        List<EvalOutcome.Generated> generations = new ArrayList<>();
        Set<Integer> stops = new HashSet<>(settings.stopTokenIds());
        for (String split : work.generateSplits()) {
          for (PreparedRow row : rows(settings, split, settings.maxGenerations(), hadoop)) {
            Optional<ReplyPrompt> prompt = ReplyPrompt.of(row.example(), row.conversation());
            if (prompt.isEmpty()) {
              continue;
            }
            Generation generation =
                GENERATOR.generate(model, prompt.get().promptIds(), settings.maxNewTokens(), stops);
            generations.add(
                new EvalOutcome.Generated(
                    split,
                    row.exampleId(),
                    prompt.get().reference(),
                    generation.tokenIds(),
                    generation.stoppedAtStop()));
          }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        LOG.info(
            "Evaluated {}: {} splits scored, {} replies generated in {} s",
            work.scorer(),
            scores.size(),
            generations.size(),
            String.format("%.1f", seconds));
        return new EvalOutcome(work.scorer(), scores, generations, null, seconds, executor);
      } finally {
        if (attachment != null) {
          attachment.close();
        }
        if (adapter != null) {
          adapter.close();
        }
      }
    } catch (RuntimeException e) {
      LOG.error("Cannot evaluate {}", work.scorer(), e);
      return new EvalOutcome(
          work.scorer(),
          List.of(),
          List.of(),
          e.getClass().getSimpleName() + ": " + e.getMessage(),
          (System.nanoTime() - started) / 1e9,
          executor);
    }
  }

  private static LoraAdapter adapter(EvalWork work, DecoderModel model, NDManager manager) {
    switch (work.kind()) {
      case BASE:
        return null;
      case ADAPTER:
      case PRODUCTION:
        return PeftAdapter.load(StorageDirectory.of(work.adapterFolders().get(0)), model, manager);
      case MIXTURE:
        List<LoraAdapter> parts = new ArrayList<>();
        try {
          for (String folder : work.adapterFolders()) {
            parts.add(PeftAdapter.load(StorageDirectory.of(folder), model, manager));
          }
          return LoraMixture.average(model, parts, manager);
        } finally {
          parts.forEach(LoraAdapter::close);
        }
      default:
        throw new IllegalStateException("Unknown evaluation kind " + work.kind());
    }
  }

  private static List<PreparedRow> rows(
      EvalSettings settings, String split, int limit, Configuration hadoop) {
    return new ParquetExampleSource(settings.prepared(), split, PreparedLayout.TEST, hadoop)
        .rows(limit);
  }

  private static EvalOutcome.SplitScore score(Scorer scorer, String split, List<PreparedRow> rows) {
    List<TrainingExample> examples = new ArrayList<>(rows.size());
    rows.forEach(row -> examples.add(row.example()));
    double sum = 0;
    long tokens = 0;
    int scored = 0;
    String firstError = null;
    for (RowScore score : scorer.score(examples)) {
      if (score.isError()) {
        firstError = firstError == null ? score.error() : firstError;
      } else {
        sum += score.loss().sum();
        tokens += score.loss().count();
        scored++;
      }
    }
    return new EvalOutcome.SplitScore(split, rows.size(), scored, sum, tokens, firstError);
  }
}
