package io.adapterforge.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.adapterforge.bench.TrainJobBenchmark;
import io.adapterforge.config.AdapterforgeConfig;
import io.adapterforge.jobs.SparkSessions;
import io.adapterforge.jobs.TrainJob;
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
 * one task per slot. The training settings are options until {@code train.*} has keys for them;
 * each option names the key it will become.
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
      defaultValue = "2e-4",
      paramLabel = "LR",
      description = "Peak learning rate (future train.learning-rate; default ${DEFAULT-VALUE}).")
  double learningRate;

  @Option(
      names = "--epochs",
      defaultValue = "3",
      paramLabel = "N",
      description = "Epochs (future train.epochs; default ${DEFAULT-VALUE}).")
  int epochs;

  @Option(
      names = "--batch-size",
      defaultValue = "8",
      paramLabel = "N",
      description = "Rows per micro-batch (future train.batch-size; default ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(
      names = "--max-steps",
      defaultValue = "0",
      paramLabel = "N",
      description =
          "Updates per adapter, overriding epochs when positive (future train.max-steps; default ${DEFAULT-VALUE}).")
  long maxSteps;

  @Option(
      names = "--checkpoint-every",
      defaultValue = "50",
      paramLabel = "N",
      description =
          "Updates between checkpoints (future train.checkpoint-every; default ${DEFAULT-VALUE}).")
  long checkpointEvery;

  @Option(
      names = "--eval-every",
      defaultValue = "0",
      paramLabel = "N",
      description =
          "Updates between validation losses, 0 = after the last (future train.eval-every; default ${DEFAULT-VALUE}).")
  long evalEvery;

  @Option(
      names = "--seed",
      defaultValue = "42",
      paramLabel = "N",
      description = "Seed (future train.seed; default ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--slots",
      defaultValue = "0",
      paramLabel = "N",
      description =
          "Training slots, 0 = one per task slot of the cluster (future train.slots; default ${DEFAULT-VALUE}).")
  int slots;

  @Option(
      names = "--threads-per-slot",
      defaultValue = "0",
      paramLabel = "N",
      description =
          "libtorch threads per slot, 0 = the task's cpus (cores / slots locally) (future train.threads-per-slot; default ${DEFAULT-VALUE}).")
  int threadsPerSlot;

  @Mixin ConfigOptions options;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    AdapterforgeConfig config = options.load();
    TrainSettings settings;
    TrainJob.Request request;
    try {
      settings =
          new TrainSettings(
              learningRate,
              epochs,
              batchSize,
              maxSteps,
              checkpointEvery,
              evalEvery,
              seed,
              slots,
              threadsPerSlot,
              config.train().lora().rank(),
              config.train().lora().alpha(),
              config.train().lora().dropout(),
              config.train().lora().targetModules());
      request =
          new TrainJob.Request(
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
                          + LocalDateTime.now()
                              .format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")),
              settings,
              Map.of());
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    PrintWriter out = spec.commandLine().getOut();
    SparkSession spark = SparkSessions.create(config.spark(), "train");
    try {
      TrainJob.Result result;
      try {
        result =
            TrainJob.run(
                spark,
                request,
                line -> {
                  out.println(line);
                  out.flush();
                });
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
   * {@code adapterforge bench train-job}: trains N synthetic tenants on S slots (executors of a
   * local standalone cluster the benchmark starts) and prints one JSON line; see {@link
   * TrainJobBenchmark}.
   */
  @Command(
      name = "train-job",
      mixinStandardHelpOptions = true,
      versionProvider = VersionProvider.class,
      description = {
        "Make a corpus of N equally sized tenants, prepare it, and train all N adapters with the"
            + " train job on S slots; print one JSON line (wall seconds of the train job,"
            + " adapters/hour, trained tokens/s, model loads).",
        "The S slots are S one-core executor JVMs of a local standalone cluster started and stopped"
            + " by the benchmark: local[S] slots share one JVM, whose base model holds one adapter"
            + " at a time and whose gradient collector is JVM-wide, so they would take turns."
            + " Files go under <work-dir>/bench/."
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
        description = "Slots = executors (default ${DEFAULT-VALUE}).")
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
                    : TokenizerSource.directory(tokenizer, config, line -> err.println(line)));
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
      ObjectNode line =
          TrainJobBenchmark.run(
              config,
              benchOptions,
              dir,
              message -> {
                err.println(message);
                err.flush();
              });
      out.println(line.toString());
      out.flush();
      return line.get("failed").asLong() == 0 ? 0 : 1;
    }
  }
}
