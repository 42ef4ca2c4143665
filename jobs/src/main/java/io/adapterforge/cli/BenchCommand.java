package io.adapterforge.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.adapterforge.bench.PrepareBenchmark;
import io.adapterforge.config.AdapterforgeConfig;
import io.adapterforge.jobs.SparkSessions;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code adapterforge bench …}: benchmarks that print one JSON line each. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Benchmarks; each prints one JSON line of measurements taken in one run.",
    subcommands = {BenchCommand.Prepare.class, TrainCommand.Bench.class, BenchTrainCommand.class})
final class BenchCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing a benchmark: prepare");
  }

  @Command(
      name = "prepare",
      mixinStandardHelpOptions = true,
      versionProvider = VersionProvider.class,
      description = {
        "Generate a synthetic multi-tenant corpus, run the prepare job on it, and compare its"
            + " tokens/s with the ceiling measured in the same run: DJL's tokenizer alone on the"
            + " same rendered texts, one thread per core.",
        "Prints rows/s, tokens/s, ceiling tokens/s, their ratio and the peak heap. Files go under"
            + " <work-dir>/bench/."
      })
  static final class Prepare implements java.util.concurrent.Callable<Integer> {
    @Option(
        names = "--rows",
        defaultValue = "200000",
        paramLabel = "N",
        description = "Corpus lines (default ${DEFAULT-VALUE}).")
    int rows;

    @ArgGroup(multiplicity = "1")
    TokenizerSource tokenizer;

    @Mixin ConfigOptions options;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      if (rows < 1) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--rows must be positive");
      }
      AdapterforgeConfig config = options.load();
      Path tokenizerDir = tokenizer.resolve(config);
      Path dir =
          config
              .workDir()
              .resolve("bench")
              .resolve(
                  "prepare-"
                      + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
      Files.createDirectories(dir);
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      SparkSession spark = SparkSessions.create(config.spark(), "bench prepare");
      try {
        ObjectNode line =
            PrepareBenchmark.run(
                spark,
                config,
                tokenizerDir,
                tokenizer.tokenizer != null ? tokenizer.tokenizer : tokenizerDir.toString(),
                rows,
                dir,
                Lines.to(err));
        out.println(line.toString());
        out.flush();
        return 0;
      } finally {
        spark.stop();
      }
    }
  }
}
