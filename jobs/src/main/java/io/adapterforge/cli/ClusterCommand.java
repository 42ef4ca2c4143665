package io.adapterforge.cli;

import io.adapterforge.cluster.ClusterState;
import io.adapterforge.cluster.ClusterStatus;
import io.adapterforge.cluster.RuntimeClasspath;
import io.adapterforge.cluster.StandaloneCluster;
import io.adapterforge.config.AdapterforgeConfig;
import io.adapterforge.jobs.ClusterCheckJob;
import io.adapterforge.jobs.TaskPlacement;
import java.io.PrintWriter;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code adapterforge cluster start|stop|status|check}: a local standalone cluster on loopback. */
@Command(
    name = "cluster",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {
      "A Spark standalone cluster on 127.0.0.1: a Master and N Worker JVMs started from this",
      "installation's jars, pids and logs under cluster.dir (default ./work/cluster)."
    },
    subcommands = {
      ClusterCommand.Start.class,
      ClusterCommand.Stop.class,
      ClusterCommand.Status.class,
      ClusterCommand.Check.class
    })
final class ClusterCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "Missing a subcommand: start, stop, status or check");
  }

  @Command(
      name = "start",
      mixinStandardHelpOptions = true,
      versionProvider = VersionProvider.class,
      description = "Start a master and workers; waits until every worker has registered.")
  static final class Start implements Runnable {
    @Mixin ConfigOptions options;

    @Option(names = "--workers", paramLabel = "N", description = "Workers (cluster.workers).")
    Integer workers;

    @Option(
        names = "--cores-per-worker",
        paramLabel = "N",
        description = "Cores per worker (cluster.cores-per-worker).")
    Integer cores;

    @Option(
        names = "--memory-per-worker",
        paramLabel = "SIZE",
        description = "Memory per worker, e.g. 2g (cluster.memory-per-worker).")
    String memory;

    @Option(
        names = "--gpus-per-worker",
        paramLabel = "K",
        description =
            "Fake GPUs each worker advertises through a discovery script (cluster.gpus-per-worker).")
    Integer gpus;

    @Spec CommandSpec spec;

    @Override
    public void run() {
      List<String> extra = new ArrayList<>();
      addIfSet(extra, "cluster.workers", workers);
      addIfSet(extra, "cluster.cores-per-worker", cores);
      addIfSet(extra, "cluster.memory-per-worker", memory);
      addIfSet(extra, "cluster.gpus-per-worker", gpus);
      AdapterforgeConfig config = options.load(extra);
      PrintWriter out = spec.commandLine().getOut();
      ClusterState state =
          StandaloneCluster.start(
              config.cluster(), RuntimeClasspath.thirdPartyJars(), Lines.to(out));
      out.println("Submit with: --master " + state.masterUrl());
      out.println("Stop with:   ./adapterforge cluster stop");
      out.flush();
    }

    private static void addIfSet(List<String> overrides, String key, Object value) {
      if (value != null) {
        overrides.add(key + "=" + value);
      }
    }
  }

  @Command(
      name = "stop",
      mixinStandardHelpOptions = true,
      versionProvider = VersionProvider.class,
      description = "Stop exactly the processes 'cluster start' recorded, and their executors.")
  static final class Stop implements Runnable {
    @Mixin ConfigOptions options;
    @Spec CommandSpec spec;

    @Override
    public void run() {
      Path dir = options.load().cluster().dir();
      List<Long> stopped = StandaloneCluster.stop(dir);
      PrintWriter out = spec.commandLine().getOut();
      out.println(
          stopped.isEmpty()
              ? "No cluster is running from " + dir.toAbsolutePath().normalize()
              : "Stopped " + stopped.size() + " processes: " + stopped);
      out.flush();
    }
  }

  @Command(
      name = "status",
      mixinStandardHelpOptions = true,
      versionProvider = VersionProvider.class,
      description = "Show the cluster's processes and workers; exits 1 when any process is down.")
  static final class Status implements java.util.concurrent.Callable<Integer> {
    @Mixin ConfigOptions options;
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      Path dir = options.load().cluster().dir();
      Optional<ClusterStatus> status = StandaloneCluster.status(dir);
      PrintWriter out = spec.commandLine().getOut();
      if (status.isEmpty()) {
        out.println("No cluster was started from " + dir.toAbsolutePath().normalize());
        out.flush();
        return CommandLine.ExitCode.SOFTWARE;
      }
      out.print(status.get().describe());
      out.flush();
      return status.get().allAlive() && status.get().masterView().isPresent()
          ? CommandLine.ExitCode.OK
          : CommandLine.ExitCode.SOFTWARE;
    }
  }

  @Command(
      name = "check",
      mixinStandardHelpOptions = true,
      versionProvider = VersionProvider.class,
      description = {
        "Run a small job on the running local cluster (or --master) and show where its tasks ran:",
        "executor JVM pids and the GPU addresses Spark assigned."
      })
  static final class Check implements Runnable {
    @Mixin ConfigOptions options;

    @Option(names = "--master", paramLabel = "URL", description = "Default: the local cluster's.")
    String master;

    @Option(
        names = "--executors",
        paramLabel = "N",
        description = "Executors to wait for (default: the local cluster's alive workers).")
    Integer executors;

    @Option(
        names = "--gpus-per-task",
        paramLabel = "K",
        description = "Ask each executor and task for K GPUs (default 0).")
    int gpusPerTask;

    @Spec CommandSpec spec;

    @Override
    public void run() {
      AdapterforgeConfig config = options.load();
      String url = master;
      int expected = executors == null ? config.cluster().workers() : executors;
      if (url == null) {
        ClusterStatus status =
            StandaloneCluster.status(config.cluster().dir())
                .orElseThrow(
                    () ->
                        new IllegalStateException(
                            "No local cluster is running: start one with 'cluster start' or give"
                                + " --master"));
        url = status.state().masterUrl();
        if (executors == null) {
          // One executor per registered worker (each offers the cores one executor takes).
          expected = Math.max(1, status.aliveWorkers());
        }
      }
      SparkSession.Builder builder =
          SparkSession.builder()
              .master(url)
              .appName("adapterforge cluster check")
              .config("spark.ui.enabled", "false")
              .config("spark.driver.host", "127.0.0.1")
              .config("spark.driver.bindAddress", "127.0.0.1")
              .config("spark.executor.memory", "512m")
              .config("spark.executor.cores", "1")
              .config("spark.jars", ownJar().toString());
      if (gpusPerTask > 0) {
        builder
            .config("spark.executor.resource.gpu.amount", String.valueOf(gpusPerTask))
            .config("spark.task.resource.gpu.amount", String.valueOf(gpusPerTask));
      }
      SparkSession spark = builder.getOrCreate();
      try {
        List<TaskPlacement> placements =
            ClusterCheckJob.run(spark, expected, 4 * expected, Duration.ofMinutes(2));
        spec.commandLine().getOut().print(ClusterCheckJob.summarize(placements));
        spec.commandLine().getOut().flush();
      } finally {
        spark.stop();
      }
    }

    private static Path ownJar() {
      try {
        Path location =
            Path.of(
                ClusterCheckJob.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        if (!location.toString().endsWith(".jar")) {
          throw new IllegalStateException(
              "cluster check runs from the shaded jar (./adapterforge), not from " + location);
        }
        return location;
      } catch (URISyntaxException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
