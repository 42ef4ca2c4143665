package io.adapterforge.cli;

import io.adapterforge.config.AdapterforgeConfig;
import io.adapterforge.jobs.PrepareJob;
import io.adapterforge.jobs.SparkSessions;
import io.adapterforge.preprocessing.PrepareReport;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code adapterforge prepare}: raw JSONL corpora to the prepared dataset. */
@Command(
    name = "prepare",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {
      "Validate, clean, deduplicate, split, render the chat template, tokenize and mask chat"
          + " corpora into Parquet.",
      "Writes OUTPUT/data/adapter_id=<id>/split=<train|validation|test>/, OUTPUT/rejects/ (every"
          + " line that could not be used, with its reason) and OUTPUT/report.json."
    })
final class PrepareCommand implements Runnable {
  @Option(
      names = "--input",
      required = true,
      arity = "1..*",
      paramLabel = "PATH",
      description =
          "JSONL files (.jsonl/.json/.ndjson, optionally .gz), folders (searched recursively;"
              + " corpus/<adapter_id>/*.jsonl names the adapter) or globs; local or Hadoop URIs.")
  List<String> inputs;

  @ArgGroup(multiplicity = "1")
  TokenizerSource tokenizer;

  @Option(
      names = "--output",
      required = true,
      paramLabel = "DIR",
      description = "The prepared dataset folder (replaced atomically).")
  String output;

  @Mixin ConfigOptions options;

  @Spec CommandSpec spec;

  @Override
  public void run() {
    AdapterforgeConfig config = options.load();
    Path tokenizerDir;
    try {
      tokenizerDir = tokenizer.resolve(config);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    PrintWriter out = spec.commandLine().getOut();
    SparkSession spark = SparkSessions.create(config.spark(), "prepare");
    try {
      PrepareReport report =
          PrepareJob.run(
              spark, config, new PrepareJob.Request(inputs, tokenizerDir, output), Lines.to(out));
      out.println("Report: " + output + "/report.json");
      out.flush();
      if (!report.booksBalance()) {
        throw new IllegalStateException("The books do not balance: " + report.summary());
      }
    } finally {
      spark.stop();
    }
  }
}
