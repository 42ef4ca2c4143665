package io.adapterforge.cli;

import io.adapterforge.config.AdapterforgeConfig;
import io.adapterforge.jobs.EvaluateJob;
import io.adapterforge.jobs.SparkSessions;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code adapterforge evaluate}: scores every adapter of a run and writes the report. */
@Command(
    name = "evaluate",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {
      "Score each trained adapter against the bare base model, the other adapters and their"
          + " averaged mixture on the test splits (evaluate.max-rows-per-split rows each), compare it"
          + " with the registry's production version, generate greedy replies to test prompts"
          + " (exact match, token F1, tool calls by evaluate.tool-call.patterns), train the router,"
          + " and apply the publish gate (publish.*).",
      "Writes OUTPUT/report.html (self-contained), report.json, metrics.parquet, router/ and"
          + " gate.json (what publish reads). Exit code 1 when a scorer fails or an adapter changes"
          + " nothing (it was not applied)."
    })
final class EvaluateCommand implements Callable<Integer> {
  @Option(
      names = "--prepared",
      required = true,
      paramLabel = "DIR",
      description = "The prepared dataset (local path or Hadoop URI).")
  String prepared;

  @Option(
      names = "--adapters",
      required = true,
      paramLabel = "DIR",
      description = "The train job's output folder (with adapters/<id>/), or its adapters folder.")
  Path adapters;

  @Option(
      names = "--base-model",
      required = true,
      paramLabel = "DIR",
      description =
          "The base model folder the adapters were trained on (local path or Hadoop URI).")
  String baseModel;

  @Option(
      names = "--output",
      required = true,
      paramLabel = "DIR",
      description = "Local folder for the evaluation.")
  Path output;

  @Option(
      names = "--only",
      split = ",",
      paramLabel = "ID",
      description = "Adapters to evaluate (default, or empty: every trained adapter).")
  List<String> only = new ArrayList<>();

  @Option(
      names = "--run-id",
      paramLabel = "ID",
      description = "Run id recorded in the report (default: run-id from config, else new).")
  String runId;

  @Option(
      names = "--no-registry",
      description = "Do not compare with the registry's production versions.")
  boolean noRegistry;

  @Mixin ConfigOptions options;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    AdapterforgeConfig config = options.load();
    EvaluateJob.Request request;
    try {
      request =
          new EvaluateJob.Request(
              prepared,
              adapters,
              baseModel,
              output,
              RunIds.resolve(runId, config),
              only.stream().filter(id -> !id.isBlank()).toList(),
              EvaluateJob.Settings.from(config),
              noRegistry ? Optional.empty() : Optional.of(config.registry().url()),
              config.registry().store());
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    PrintWriter out = spec.commandLine().getOut();
    var spark = SparkSessions.create(config.spark(), "evaluate");
    try {
      try {
        EvaluateJob.run(spark, request, Lines.to(out));
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), e.getMessage());
      }
      return 0;
    } finally {
      spark.stop();
    }
  }
}
