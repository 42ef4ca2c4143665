package io.adapterforge.cli;

import io.adapterforge.cluster.ClusterState;
import io.adapterforge.cluster.SparkSubmit;
import io.adapterforge.config.AdapterforgeConfig;
import io.adapterforge.jobs.Pipeline;
import io.adapterforge.jobs.SparkSessions;
import java.io.PrintWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code adapterforge run}: the four stages of one run, resumable by run id; submitted with
 * spark-submit when {@code spark.master} is a cluster.
 */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {
      "Run prepare → train → evaluate → publish for one run in <work-dir>/runs/<run-id>/"
          + " (prepared/, adapters/<id>/, evaluation/). A finished stage leaves"
          + " stages/<stage>.done: rerunning with the same --run-id resumes at the first"
          + " unfinished stage.",
      "When spark.master is a cluster (spark://, yarn, k8s://) the driver is submitted with"
          + " spark-submit (client mode) and the shaded jar, from SPARK_HOME or, when unset, the"
          + " Spark home of the local cluster started by 'cluster start'. local[...] masters run in"
          + " this JVM."
    })
final class RunCommand implements Callable<Integer> {
  @Option(
      names = "--input",
      required = true,
      arity = "1..*",
      paramLabel = "PATH",
      description = "Raw JSONL corpora, as for prepare (local paths or Hadoop URIs).")
  List<String> inputs;

  @Option(
      names = "--base-model",
      required = true,
      paramLabel = "DIR",
      description = "The base model folder (with its tokenizer), on a path every executor sees.")
  Path baseModel;

  @Option(
      names = "--run-id",
      paramLabel = "ID",
      description = "Run id; reuse it to resume (default: run-id from config, else new).")
  String runId;

  @Option(
      names = "--adapters",
      split = ",",
      paramLabel = "ID",
      description = "Adapters to train and evaluate (default, or empty: all).")
  List<String> adapters = new ArrayList<>();

  @Option(
      names = "--no-submit",
      description = "Run the driver in this JVM even when spark.master is a cluster.")
  boolean noSubmit;

  @Mixin ConfigOptions options;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    AdapterforgeConfig config = options.load();
    PrintWriter out = spec.commandLine().getOut();
    String id = RunIds.resolve(runId, config);
    Path runDir = config.workDir().toAbsolutePath().normalize().resolve("runs").resolve(id);
    String master = config.spark().master();
    boolean insideSubmit = System.getProperty("spark.master") != null;
    if (!noSubmit && !insideSubmit && !master.startsWith("local")) {
      return submit(config, id, out);
    }
    Pipeline.Request request =
        new Pipeline.Request(
            inputs,
            baseModel,
            runDir,
            id,
            adapters.stream().filter(adapter -> !adapter.isBlank()).toList());
    SparkSession spark = SparkSessions.create(config.spark(), "run " + id);
    try {
      Pipeline.Result result = Pipeline.run(spark, config, request, Lines.to(out));
      out.println(DemoCommand.summary(result));
      out.println("Run folder: " + runDir);
      out.flush();
      return 0;
    } finally {
      spark.stop();
    }
  }

  /** Re-invokes this command as the driver of a spark-submit, with the same arguments. */
  private int submit(AdapterforgeConfig config, String id, PrintWriter out) throws Exception {
    Path sparkHome = sparkHome(config);
    Path jar = shadedJar();
    List<String> args = new ArrayList<>();
    args.add("run");
    args.add("--input");
    args.addAll(inputs);
    args.addAll(List.of("--base-model", baseModel.toAbsolutePath().toString(), "--run-id", id));
    if (!adapters.isEmpty()) {
      args.add("--adapters=" + String.join(",", adapters));
    }
    if (options.confFile != null) {
      args.addAll(List.of("--conf", options.confFile.toAbsolutePath().toString()));
    }
    for (String override : options.overrides) {
      args.addAll(List.of("--set", override));
    }
    List<String> conf = new ArrayList<>();
    conf.add("spark.app.name=" + config.spark().appName() + " run " + id);
    for (Map.Entry<String, String> entry : config.spark().conf().entrySet()) {
      conf.add(entry.getKey() + "=" + entry.getValue());
    }
    String heap = Optional.ofNullable(System.getenv("ADAPTERFORGE_HEAP")).orElse("2g");
    List<String> command =
        SparkSubmit.command(
            sparkHome,
            config.spark().master(),
            heap,
            AdapterforgeCli.class.getName(),
            conf,
            jar.toString(),
            args);
    out.println("Submitting run " + id + " to " + config.spark().master() + ":");
    out.println(String.join(" ", command));
    out.flush();
    ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
    SparkSubmit.environment(builder.environment(), sparkHome);
    builder.environment().putIfAbsent("DJL_OFFLINE", "true");
    Process process = builder.start();
    try {
      return process.waitFor();
    } finally {
      process.destroy();
    }
  }

  private Path sparkHome(AdapterforgeConfig config) {
    String env = System.getenv("SPARK_HOME");
    if (env != null && !env.isBlank()) {
      return Path.of(env);
    }
    Optional<ClusterState> state = ClusterState.read(config.cluster().dir().toAbsolutePath());
    if (state.isPresent()) {
      return Path.of(state.get().sparkHome());
    }
    throw new ParameterException(
        spec.commandLine(),
        "Cannot submit to "
            + config.spark().master()
            + ": SPARK_HOME is not set and no local cluster was started from "
            + config.cluster().dir().toAbsolutePath()
            + " (run './adapterforge cluster start', set SPARK_HOME, or use --no-submit)");
  }

  private Path shadedJar() {
    try {
      Path jar =
          Path.of(
              AdapterforgeCli.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      if (Files.isRegularFile(jar) && jar.toString().endsWith(".jar")) {
        return jar;
      }
      throw new ParameterException(
          spec.commandLine(),
          "Cannot submit: this CLI runs from "
              + jar
              + ", not the shaded jar (run it with ./adapterforge, or use --no-submit)");
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
