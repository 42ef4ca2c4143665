package io.adapterforge.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.adapterforge.bench.TrainJobBenchmark;
import io.adapterforge.config.AdapterforgeConfig;
import io.adapterforge.config.InvalidConfigException;
import io.adapterforge.config.TrainConfig;
import io.adapterforge.jobs.SparkSessions;
import io.adapterforge.jobs.TrainJob;
import io.adapterforge.train.AdapterSpec;
import io.adapterforge.train.TrainSettings;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code adapterforge train}: trains every adapter of a prepared dataset (or those named) on Spark,
 * one task per slot. The training settings come from {@code train.*}; each option named after one
 * of its keys ({@code --epochs} for {@code train.epochs}) overrides it for this run. Per-adapter
 * overrides ({@code adapters.<id>.lora.rank}, ...) apply on top.
 */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {
      "Train one LoRA adapter per adapter id of a prepared dataset on one frozen base model:"
          + " adapters are planned onto slots (longest first), each slot is one Spark task that"
          + " loads the base model once per executor and trains its adapters one after another.",
      "Writes OUTPUT/adapters/<id>/ (PEFT + metrics.json) and OUTPUT/train_results.parquet."
          + " Rerunning with the same --run-id skips finished adapters and resumes the others from"
          + " their checkpoints. Exit code 1 when any adapter failed."
    })
final class TrainCommand implements Callable<Integer> {
  @Option(
      names = "--prepared",
      required = true,
      paramLabel = "DIR",
      description = "The prepared dataset (local path or Hadoop URI).")
  String prepared;

  @Option(
      names = "--base-model",
      required = true,
      paramLabel = "DIR",
      description = "The base model folder (local path or Hadoop URI).")
  String baseModel;

  @Option(
      names = "--output",
      required = true,
      paramLabel = "DIR",
      description = "Local output folder, at the same path on every executor.")
  Path output;

  @Option(
      names = "--adapters",
      split = ",",
      paramLabel = "ID",
      description = "Adapters to train (default, or empty: every adapter in the report).")
  List<String> adapters = new ArrayList<>();

  @Option(
      names = "--run-id",
      paramLabel = "ID",
      description =
          "Run id keying checkpoints; reuse it to resume (default: run-id from config, else"
              + " run-<timestamp>).")
  String runId;

  @Option(
      names = "--learning-rate",
      paramLabel = "LR",
      description = "Peak learning rate (overrides train.learning-rate, default 2e-4).")
  Double learningRate;

  @Option(
      names = "--epochs",
      paramLabel = "N",
      description = "Epochs (overrides train.epochs, default 3).")
  Integer epochs;

  @Option(
      names = "--batch-size",
      paramLabel = "N",
      description = "Rows per micro-batch (overrides train.batch-size, default 8).")
  Integer batchSize;

  @Option(
      names = "--max-steps",
      paramLabel = "N",
      description =
          "Updates per adapter, overriding epochs when positive (overrides train.max-steps,"
              + " default 0).")
  Long maxSteps;

  @Option(
      names = "--checkpoint-every",
      paramLabel = "N",
      description = "Updates between checkpoints (overrides train.checkpoint-every, default 50).")
  Long checkpointEvery;

  @Option(
      names = "--eval-every",
      paramLabel = "N",
      description =
          "Updates between validation losses, 0 = after the last (overrides train.eval-every,"
              + " default 0).")
  Long evalEvery;

  @Option(
      names = "--seed",
      paramLabel = "N",
      description = "Seed (overrides train.seed, default 42).")
  Long seed;

  @Option(
      names = "--slots",
      paramLabel = "N",
      description =
          "Training slots, 0 = one per task slot of the cluster (overrides train.slots,"
              + " default 0).")
  Integer slots;

  @Option(
      names = "--threads-per-slot",
      paramLabel = "N",
      description =
          "libtorch threads per slot, 0 = the task's cpus (cores / slots locally) (overrides"
              + " train.threads-per-slot, default 0).")
  Integer threadsPerSlot;

  @Mixin ConfigOptions options;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    AdapterforgeConfig config = options.load();
    TrainJob.Request request = request(config);
    PrintWriter out = spec.commandLine().getOut();
    SparkSession spark = SparkSessions.create(config.spark(), "train");
    try {
      TrainJob.Result result;
      try {
        result = TrainJob.run(spark, request, Lines.to(out));
      } catch (IllegalArgumentException e) {
        // An adapter not in the report, or a report that is not one: bad usage, not a failure.
        throw new ParameterException(spec.commandLine(), e.getMessage());
      }
      out.println("Results: " + output.resolve("train_results.parquet"));
      out.flush();
      return result.anyFailed() ? 1 : 0;
    } finally {
      spark.stop();
    }
  }

  /**
   * What to train: {@code train.*} with the options given over it, and every adapter's {@code
   * adapters.<id>.*} overrides (the job ignores those of adapters it does not train).
   *
   * @throws ParameterException when an option breaks its key's rule, or the run id is not a folder
   *     name
   */
  TrainJob.Request request(AdapterforgeConfig config) {
    TrainSettings settings = TrainSettings.from(withOptions(config.train()));
    Map<String, AdapterSpec> overrides = AdapterSpec.overrides(config.adapters(), settings);
    try {
      return new TrainJob.Request(
          prepared,
          baseModel,
          output,
          // An empty --adapters (Airflow passes "" for "all tenants") selects every adapter.
          adapters.stream().filter(id -> !id.isBlank()).toList(),
          runId != null
              ? runId
              : !config.runId().isEmpty()
                  ? config.runId()
                  : "run-"
                      + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")),
          settings,
          overrides);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  /** {@code train.*} with each option given in place of its key. */
  private TrainConfig withOptions(TrainConfig train) {
    try {
      return new TrainConfig(
          learningRate != null ? learningRate : train.learningRate(),
          epochs != null ? epochs : train.epochs(),
          batchSize != null ? batchSize : train.batchSize(),
          maxSteps != null ? maxSteps : train.maxSteps(),
          checkpointEvery != null ? checkpointEvery : train.checkpointEvery(),
          evalEvery != null ? evalEvery : train.evalEvery(),
          seed != null ? seed : train.seed(),
          slots != null ? slots : train.slots(),
          threadsPerSlot != null ? threadsPerSlot : train.threadsPerSlot(),
          train.lora());
    } catch (InvalidConfigException e) {
      // The loaded config passed these rules, so an option broke one; each option is named after
      // its key (--epochs for train.epochs).
      throw new ParameterException(
          spec.commandLine(),
          e.getMessage() + " (set in --" + e.key().substring("train.".length()) + ")");
    }
  }

  /**
   * {@code adapterforge bench train-job}: trains N synthetic tenants on S slots and prints one JSON
   * line; see {@link TrainJobBenchmark}.
   */
  @Command(
      name = "train-job",
      mixinStandardHelpOptions = true,
      versionProvider = VersionProvider.class,
      description = {
        "Make a corpus of N equally sized tenants, prepare it, and train all N adapters with the"
            + " train job on S slots; print one JSON line (wall seconds of the train job,"
            + " adapters/hour, trained tokens/s, model loads).",
        "By default the slots are S task threads of the configured master (local[*]) in this"
            + " JVM: they share one base model and train at the same time, each with T libtorch"
            + " threads. With --standalone-cluster they are S one-core executor JVMs of a local"
            + " standalone cluster the benchmark starts and stops. Files go under"
            + " <work-dir>/bench/."
      })
  static final class Bench implements Callable<Integer> {
    @Option(
        names = "--adapters",
        defaultValue = "8",
        paramLabel = "N",
        description = "Tenants (default ${DEFAULT-VALUE}).")
    int adapters;

    @Option(
        names = "--slots",
        defaultValue = "1",
        paramLabel = "S",
        description = "Training slots (default ${DEFAULT-VALUE}).")
    int slots;

    @Option(
        names = "--threads-per-slot",
        defaultValue = "1",
        paramLabel = "T",
        description = "libtorch threads per slot (default ${DEFAULT-VALUE}).")
    int threadsPerSlot;

    @Option(
        names = "--rows-per-adapter",
        defaultValue = "64",
        paramLabel = "N",
        description = "Corpus rows per tenant (default ${DEFAULT-VALUE}).")
    int rowsPerAdapter;

    @Option(
        names = "--epochs",
        defaultValue = "2",
        paramLabel = "N",
        description = "Epochs per adapter (default ${DEFAULT-VALUE}).")
    int epochs;

    @Option(
        names = "--base-model",
        paramLabel = "DIR",
        description = "Base model folder (default: a tiny random Llama made with --tokenizer).")
    Path baseModel;

    @Option(
        names = "--tokenizer",
        defaultValue = "llama2",
        paramLabel = "NAME|DIR",
        description = "Tokenizer of the made-up base model (default ${DEFAULT-VALUE}).")
    String tokenizer;

    @Option(
        names = "--standalone-cluster",
        description =
            "Train on S one-core executor JVMs of a local standalone cluster instead of the"
                + " configured master.")
    boolean standaloneCluster;

    @Mixin ConfigOptions options;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      AdapterforgeConfig config = options.load();
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      TrainJobBenchmark.Options benchOptions;
      try {
        benchOptions =
            new TrainJobBenchmark.Options(
                adapters,
                slots,
                threadsPerSlot,
                rowsPerAdapter,
                epochs,
                java.util.Optional.ofNullable(baseModel),
                baseModel != null
                    ? baseModel
                    : TokenizerSource.directory(tokenizer, config, line -> err.println(line)),
                standaloneCluster);
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), e.getMessage());
      }
      Path dir =
          config
              .workDir()
              .toAbsolutePath()
              .resolve("bench")
              .resolve(
                  "train-job-"
                      + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
      java.nio.file.Files.createDirectories(dir);
      ObjectNode line = TrainJobBenchmark.run(config, benchOptions, dir, Lines.to(err));
      out.println(line.toString());
      out.flush();
      return line.get("failed").asLong() == 0 ? 0 : 1;
    }
  }
}
