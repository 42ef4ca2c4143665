package io.adapterforge.testing;

import static java.util.Objects.requireNonNull;

import io.adapterforge.cluster.ClusterState;
import io.adapterforge.cluster.RuntimeClasspath;
import io.adapterforge.cluster.SparkSubmit;
import io.adapterforge.cluster.StandaloneCluster;
import io.adapterforge.config.ClusterConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real Spark standalone cluster on 127.0.0.1 for integration tests: a Master and N Worker JVMs
 * started from this JVM's classpath before the class's tests and stopped after them. Register it as
 * a static field:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final LocalClusterExtension CLUSTER = LocalClusterExtension.workers(2).gpusPerWorker(1);
 * }</pre>
 */
public final class LocalClusterExtension implements BeforeAllCallback, AfterAllCallback {
  private final int workers;
  private final int gpusPerWorker;
  private Path dir;
  private ClusterState state;
  private List<Long> stoppedPids = List.of();

  private LocalClusterExtension(int workers, int gpusPerWorker) {
    this.workers = workers;
    this.gpusPerWorker = gpusPerWorker;
  }

  /** A cluster of {@code workers} workers with one core and 1 GiB each. */
  public static LocalClusterExtension workers(int workers) {
    return new LocalClusterExtension(workers, 0);
  }

  /** The same cluster, each worker advertising {@code gpus} fake GPUs. */
  public LocalClusterExtension gpusPerWorker(int gpus) {
    return new LocalClusterExtension(workers, gpus);
  }

  @Override
  public void beforeAll(ExtensionContext context) throws IOException {
    dir = Files.createTempDirectory("adapterforge-cluster-");
    ClusterConfig config =
        new ClusterConfig(dir, freePort(), freePort(), workers, 1, "1g", gpusPerWorker);
    state =
        StandaloneCluster.start(
            config,
            RuntimeClasspath.thirdPartyJars(),
            line -> System.err.println("[cluster] " + line));
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (dir != null) {
      stoppedPids = StandaloneCluster.stop(dir);
    }
  }

  /** The folder holding the cluster's state, logs and SPARK_HOME. */
  public Path dir() {
    return requireNonNull(dir, "cluster not started");
  }

  /** What start recorded: master URL, SPARK_HOME, processes. */
  public ClusterState state() {
    return requireNonNull(state, "cluster not started");
  }

  /** Stops the cluster now (tests of stop itself); returns the pids that were ended. */
  public List<Long> stop() {
    stoppedPids = new ArrayList<>(StandaloneCluster.stop(dir()));
    return stoppedPids;
  }

  /**
   * A {@code SparkSubmit} driver process (client mode, loopback) for this cluster, not yet started:
   * one-core executors of 512 MiB, UI off; output goes to {@code log}.
   *
   * @param mainClass the application's main class
   * @param extraConf further {@code key=value} Spark properties
   * @param jar the application jar
   * @param args the application's arguments
   */
  public ProcessBuilder sparkSubmit(
      String mainClass, List<String> extraConf, String jar, List<String> args, Path log) {
    ClusterState state = state();
    List<String> conf =
        new ArrayList<>(
            List.of(
                "spark.executor.memory=512m",
                "spark.executor.cores=1",
                "spark.driver.host=127.0.0.1",
                "spark.driver.bindAddress=127.0.0.1",
                "spark.ui.enabled=false"));
    conf.addAll(extraConf);
    Path sparkHome = Path.of(state.sparkHome());
    ProcessBuilder builder =
        new ProcessBuilder(
                SparkSubmit.command(
                    sparkHome, state.masterUrl(), "512m", mainClass, conf, jar, args))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    SparkSubmit.environment(builder.environment(), sparkHome);
    return builder;
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
