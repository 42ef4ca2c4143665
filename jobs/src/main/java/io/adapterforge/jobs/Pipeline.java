package io.adapterforge.jobs;

import static java.util.Objects.requireNonNull;

import io.adapterforge.config.AdapterforgeConfig;
import io.adapterforge.files.AtomicFiles;
import io.adapterforge.preprocessing.PrepareReport;
import io.adapterforge.train.AdapterSpec;
import io.adapterforge.train.TrainSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.spark.sql.SparkSession;

/**
 * The four stages of one run, chained in one Spark application: prepare → train → evaluate →
 * publish, in the run folder {@code <runs>/<run_id>/{prepared, adapters/<id>, evaluation}}. Each
 * finished stage leaves a marker {@code stages/<stage>.done}; running the same run id again skips
 * the finished stages and resumes the first unfinished one (train itself resumes from its
 * checkpoints).
 */
public final class Pipeline {
  private Pipeline() {}

  /** The stages, in order. */
  public enum Stage {
    PREPARE,
    TRAIN,
    EVALUATE,
    PUBLISH;

    /** The lower-case name used in markers and messages. */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * One run.
   *
   * @param inputs the raw corpus paths (local or Hadoop URIs)
   * @param baseModel the base model folder; local, since prepare reads its tokenizer from it
   * @param runDir the run folder
   * @param runId the run id
   * @param adapters adapters to train and evaluate; empty for all
   */
  public record Request(
      List<String> inputs, Path baseModel, Path runDir, String runId, List<String> adapters) {
    public Request {
      inputs = List.copyOf(requireNonNull(inputs, "inputs is null"));
      baseModel = requireNonNull(baseModel, "baseModel is null").toAbsolutePath().normalize();
      runDir = requireNonNull(runDir, "runDir is null").toAbsolutePath().normalize();
      requireNonNull(runId, "runId is null");
      adapters = List.copyOf(requireNonNull(adapters, "adapters is null"));
    }

    public Path prepared() {
      return runDir.resolve("prepared");
    }

    public Path evaluation() {
      return runDir.resolve("evaluation");
    }
  }

  /**
   * What ran. A stage skipped because an earlier invocation finished it has no result here.
   *
   * @param skipped the stages found finished
   */
  public record Result(
      List<Stage> skipped,
      Optional<PrepareReport> prepare,
      Optional<TrainJob.Result> train,
      Optional<EvaluateJob.Result> evaluation,
      Optional<PublishJob.Result> publish) {}

  /**
   * Runs the unfinished stages of {@code request} in {@code spark}, with the settings of {@code
   * config} ({@code train.*} and {@code adapters.<id>.*}, {@code evaluate.*}, {@code publish.*},
   * {@code registry.*}).
   *
   * @throws IllegalStateException when prepare's books do not balance or an adapter failed to train
   *     (the later stages do not run)
   */
  public static Result run(
      SparkSession spark, AdapterforgeConfig config, Request request, Consumer<String> progress) {
    TrainSettings trainSettings = TrainSettings.from(config.train());
    Map<String, AdapterSpec> overrides = new LinkedHashMap<>();
    config
        .adapters()
        .forEach((id, adapter) -> overrides.put(id, AdapterSpec.of(id, trainSettings, adapter)));
    EvaluateJob.Settings evaluateSettings = EvaluateJob.Settings.from(config);
    List<Stage> skipped = new ArrayList<>();
    Optional<PrepareReport> prepare = Optional.empty();
    Optional<TrainJob.Result> train = Optional.empty();
    Optional<EvaluateJob.Result> evaluation = Optional.empty();
    Optional<PublishJob.Result> publish = Optional.empty();
    for (Stage stage : Stage.values()) {
      Path marker = marker(request.runDir(), stage);
      if (Files.exists(marker)) {
        progress.accept(
            "Stage " + stage.label() + " of run " + request.runId() + " finished earlier: skipped");
        skipped.add(stage);
        continue;
      }
      long started = System.nanoTime();
      progress.accept("== " + stage.label() + " (run " + request.runId() + ")");
      switch (stage) {
        case PREPARE -> {
          PrepareReport report =
              PrepareJob.run(
                  spark,
                  config,
                  new PrepareJob.Request(
                      request.inputs(), request.baseModel(), request.prepared().toString()),
                  progress);
          if (!report.booksBalance()) {
            throw new IllegalStateException("The books do not balance: " + report.summary());
          }
          prepare = Optional.of(report);
        }
        case TRAIN -> {
          TrainJob.Result result =
              TrainJob.run(
                  spark,
                  new TrainJob.Request(
                      request.prepared().toString(),
                      request.baseModel().toString(),
                      request.runDir(),
                      request.adapters(),
                      request.runId(),
                      trainSettings,
                      overrides),
                  progress);
          if (result.anyFailed()) {
            throw new IllegalStateException(
                "Cannot go on to evaluate: adapters failed to train (see the table above); rerun"
                    + " with run id "
                    + request.runId()
                    + " to resume");
          }
          train = Optional.of(result);
        }
        case EVALUATE ->
            evaluation =
                Optional.of(
                    EvaluateJob.run(
                        spark,
                        new EvaluateJob.Request(
                            request.prepared().toString(),
                            request.runDir(),
                            request.baseModel().toString(),
                            request.evaluation(),
                            request.runId(),
                            request.adapters(),
                            evaluateSettings,
                            Optional.of(config.registry().url()),
                            config.registry().store()),
                        progress));
        case PUBLISH ->
            publish =
                Optional.of(
                    PublishJob.run(
                        new PublishJob.Request(
                            request.evaluation(),
                            config.registry().url(),
                            config.registry().store()),
                        progress));
        default -> throw new IllegalStateException("Unknown stage " + stage);
      }
      finish(marker, (System.nanoTime() - started) / 1e9);
      progress.accept(
          String.format(
              Locale.ROOT,
              "Stage %s finished in %.1f s",
              stage.label(),
              (System.nanoTime() - started) / 1e9));
    }
    return new Result(List.copyOf(skipped), prepare, train, evaluation, publish);
  }

  /** The marker a finished stage leaves. */
  public static Path marker(Path runDir, Stage stage) {
    return runDir.resolve("stages").resolve(stage.label() + ".done");
  }

  private static void finish(Path marker, double seconds) {
    AtomicFiles.write(
        marker,
        String.format(
            Locale.ROOT, "{\"finished\":\"%s\",\"seconds\":%.1f}%n", Instant.now(), seconds));
  }
}
