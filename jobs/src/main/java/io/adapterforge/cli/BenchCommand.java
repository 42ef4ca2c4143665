package io.adapterforge.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.adapterforge.bench.PrepareBenchmark;
import io.adapterforge.config.AdapterforgeConfig;
import io.adapterforge.jobs.SparkSessions;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
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
        "Generate a synthetic multi-tenant corpus, run the prepare job on it, measure the ceiling"
            + " (DJL's tokenizer alone on the same rendered texts, one thread per core), then run"
            + " the job again in a fresh JVM; compare the job's tokens/s over its two runs with the"
            + " ceiling measured between them.",
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

    @Option(
        names = "--job-only",
        description =
            "Only run the prepare job on --corpus into --output, timed, and print its rows,"
                + " tokens, wall and CPU seconds and peak heap (bytes) as one JSON line. The"
                + " benchmark runs its second job this way, in a fresh JVM.")
    boolean jobOnly;

    @Option(
        names = "--corpus",
        paramLabel = "DIR",
        description = "With --job-only: the corpus to prepare.")
    Path corpus;

    @Option(
        names = "--output",
        paramLabel = "DIR",
        description = "With --job-only: where the job writes (replaced when it exists).")
    Path output;

    @ArgGroup(multiplicity = "1")
    TokenizerSource tokenizer;

    @Mixin ConfigOptions options;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      if (rows < 1) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--rows must be positive");
      }
      if (jobOnly != (corpus != null) || jobOnly != (output != null)) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "--job-only, --corpus and --output go together");
      }
      AdapterforgeConfig config = options.load();
      Path tokenizerDir = tokenizer.resolve(config);
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      SparkSession spark = SparkSessions.create(config.spark(), "bench prepare");
      try {
        ObjectNode line;
        if (jobOnly) {
          line =
              PrepareBenchmark.job(spark, config, tokenizerDir, corpus, output, Lines.to(err))
                  .json();
        } else {
          Path dir =
              config
                  .workDir()
                  .resolve("bench")
                  .resolve(
                      "prepare-"
                          + LocalDateTime.now()
                              .format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
          Files.createDirectories(dir);
          line =
              PrepareBenchmark.run(
                  spark,
                  config,
                  tokenizerDir,
                  tokenizer.tokenizer != null ? tokenizer.tokenizer : tokenizerDir.toString(),
                  rows,
                  dir,
                  Lines.to(err),
                  (jobCorpus, jobOutput) -> inFreshJvm(tokenizerDir, jobCorpus, jobOutput));
        }
        out.println(line.toString());
        out.flush();
        return 0;
      } finally {
        spark.stop();
      }
    }

    /**
     * This JVM's flags for the job's second run, less a class-data archive being written at exit
     * (the launcher's first run of a command after a build): that file is this JVM's to write.
     */
    static List<String> freshJvmFlags(List<String> flags) {
      return flags.stream().filter(flag -> !flag.startsWith("-XX:ArchiveClassesAtExit=")).toList();
    }

    /**
     * Runs {@code bench prepare --job-only} in a new JVM with this one's flags, class path and
     * config options; its progress goes to this process's stderr.
     */
    private PrepareBenchmark.JobRun inFreshJvm(Path tokenizerDir, Path jobCorpus, Path jobOutput)
        throws IOException, InterruptedException {
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.addAll(freshJvmFlags(ManagementFactory.getRuntimeMXBean().getInputArguments()));
      command.add("-cp");
      command.add(System.getProperty("java.class.path"));
      command.add(AdapterforgeCli.class.getName());
      command.addAll(
          List.of(
              "bench",
              "prepare",
              "--job-only",
              "--corpus",
              jobCorpus.toAbsolutePath().toString(),
              "--output",
              jobOutput.toAbsolutePath().toString(),
              "--tokenizer",
              tokenizerDir.toAbsolutePath().toString()));
      if (options.confFile != null) {
        command.add("--conf");
        command.add(options.confFile.toAbsolutePath().toString());
      }
      for (String override : options.overrides) {
        command.add("--set");
        command.add(override);
      }
      Process process =
          new ProcessBuilder(command)
              .redirectError(ProcessBuilder.Redirect.INHERIT)
              .redirectOutput(ProcessBuilder.Redirect.PIPE)
              .start();
      String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      int exit = process.waitFor();
      String last = stdout.strip().lines().reduce((a, b) -> b).orElse("");
      if (exit != 0 || last.isEmpty()) {
        throw new IllegalStateException(
            "The job's second run (bench prepare --job-only, a fresh JVM) exited with "
                + exit
                + (last.isEmpty() ? " and printed nothing" : ": " + last));
      }
      return PrepareBenchmark.JobRun.fromJson(last);
    }
  }
}
