package io.adapterforge.cluster;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.adapterforge.config.ClusterConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.spark.launcher.JavaModuleOptions;

/**
 * Starts, inspects and stops a Spark standalone cluster on 127.0.0.1: one Master JVM and N Worker
 * JVMs launched with {@code java -cp SPARK_HOME/jars/*}, where SPARK_HOME is a folder this class
 * makes under {@link ClusterConfig#dir()} from the given jars (links, not copies) and a RELEASE
 * file. Workers may advertise fake GPUs through a discovery script, so GPU-aware scheduling runs on
 * machines without GPUs. Everything (state, logs, worker folders) lives under that one folder;
 * {@link #stop} ends exactly the processes {@link #start} recorded, and the executors they spawned.
 */
public final class StandaloneCluster {
  private static final String HOST = "127.0.0.1";
  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
  private static final Duration STOP_GRACE = Duration.ofSeconds(15);
  private static final String DAEMON_HEAP = "-Xmx512m";
  private static final ObjectMapper JSON = new ObjectMapper();

  private StandaloneCluster() {}

  /**
   * Starts a master and the configured workers and waits until every worker has registered.
   *
   * @param jars the jars for SPARK_HOME/jars: Spark, Hadoop and everything jobs need at run time
   * @param progress receives one line per step
   * @throws ClusterException when a cluster from the same folder still runs, or a JVM fails to
   *     start (the message carries the tail of its log)
   */
  public static ClusterState start(
      ClusterConfig config, List<Path> jars, Consumer<String> progress) {
    requireNonNull(config, "config is null");
    requireNonNull(jars, "jars is null");
    Path dir = config.dir().toAbsolutePath().normalize();
    Optional<ClusterState> previous = ClusterState.read(dir);
    if (previous.isPresent()) {
      if (previous.get().processes().stream().anyMatch(p -> p.handle().isPresent())) {
        throw new ClusterException(
            "A cluster started from "
                + dir
                + " is still running ("
                + previous.get().masterUrl()
                + "): run 'cluster stop' first");
      }
      ClusterState.delete(dir);
    }
    List<ClusterProcess> started = Collections.synchronizedList(new ArrayList<>());
    Runnable abandon =
        () -> {
          stopProcesses(List.copyOf(started));
          ClusterState.delete(dir);
        };
    // A start that is itself stopped (SIGTERM, Ctrl-C) ends what it started: until the cluster is
    // ready nothing else knows of those JVMs.
    Thread interrupted = new Thread(abandon, "cluster-start-interrupted");
    Runtime.getRuntime().addShutdownHook(interrupted);
    try {
      Path sparkHome = prepareSparkHome(dir, jars);
      Path logs = Files.createDirectories(dir.resolve("logs"));
      String masterUrl = "spark://" + HOST + ":" + config.masterPort();
      String webUiUrl = "http://" + HOST + ":" + config.masterWebUiPort();
      requirePortFree(config.masterPort(), "cluster.master-port");
      requirePortFree(config.masterWebUiPort(), "cluster.master-web-ui-port");

      progress.accept("Starting master " + masterUrl + " (web UI " + webUiUrl + ")");
      ClusterProcess master =
          launch(
              "master",
              sparkHome,
              logs,
              List.of(
                  "org.apache.spark.deploy.master.Master",
                  "--host",
                  HOST,
                  "--port",
                  String.valueOf(config.masterPort()),
                  "--webui-port",
                  String.valueOf(config.masterWebUiPort())));
      started.add(master);
      awaitPort(master, config.masterPort());

      for (int i = 1; i <= config.workers(); i++) {
        String role = "worker-" + i;
        Path workerDir = Files.createDirectories(dir.resolve(role));
        Path properties = writeWorkerProperties(workerDir, config.gpusPerWorker(), i);
        progress.accept(
            String.format(
                "Starting %s (%d cores, %s%s)",
                role,
                config.coresPerWorker(),
                config.memoryPerWorker(),
                config.gpusPerWorker() > 0 ? ", " + config.gpusPerWorker() + " GPUs" : ""));
        started.add(
            launch(
                role,
                sparkHome,
                logs,
                List.of(
                    "org.apache.spark.deploy.worker.Worker",
                    "--host",
                    HOST,
                    "--cores",
                    String.valueOf(config.coresPerWorker()),
                    "--memory",
                    config.memoryPerWorker(),
                    "--work-dir",
                    workerDir.resolve("work").toString(),
                    "--webui-port",
                    "0",
                    "--properties-file",
                    properties.toString(),
                    masterUrl)));
      }
      ClusterState state =
          new ClusterState(
              masterUrl,
              webUiUrl,
              sparkHome.toString(),
              config.gpusPerWorker(),
              List.copyOf(started));
      state.write(dir);
      awaitWorkers(state, config.workers());
      progress.accept(
          "Cluster ready: " + config.workers() + " workers registered with " + masterUrl);
      return state;
    } catch (IOException | RuntimeException e) {
      abandon.run();
      if (e instanceof ClusterException clusterException) {
        throw clusterException;
      }
      throw new ClusterException("Cannot start the cluster in " + dir + ": " + e.getMessage(), e);
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(interrupted);
      } catch (IllegalStateException shuttingDown) {
        // The hook runs (or ran): the JVM is exiting before the cluster was ready.
      }
    }
  }

  /**
   * Stops the cluster recorded in {@code dir}: the executors its workers spawned, the workers, then
   * the master (SIGTERM, then SIGKILL after a grace period). Processes whose pid was reused by
   * something else are left alone.
   *
   * @return the pids that were ended; empty when nothing was running
   */
  public static List<Long> stop(Path dir) {
    Path absolute = dir.toAbsolutePath().normalize();
    Optional<ClusterState> state = ClusterState.read(absolute);
    if (state.isEmpty()) {
      return List.of();
    }
    List<Long> stopped = stopProcesses(state.get().processes());
    ClusterState.delete(absolute);
    return stopped;
  }

  /**
   * Reports on the cluster recorded in {@code dir}: each recorded process with whether it runs, and
   * the master's own view of its workers when it answers.
   */
  public static Optional<ClusterStatus> status(Path dir) {
    Optional<ClusterState> state = ClusterState.read(dir.toAbsolutePath().normalize());
    if (state.isEmpty()) {
      return Optional.empty();
    }
    Map<String, Boolean> alive = new LinkedHashMap<>();
    for (ClusterProcess process : state.get().processes()) {
      alive.put(process.role(), process.handle().isPresent());
    }
    return Optional.of(new ClusterStatus(state.get(), alive, masterView(state.get())));
  }

  /** The master's JSON view ({@code /json/}), or empty when it does not answer. */
  static Optional<JsonNode> masterView(ClusterState state) {
    try {
      HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
      HttpResponse<String> response =
          client.send(
              HttpRequest.newBuilder(URI.create(state.webUiUrl() + "/json/"))
                  .timeout(Duration.ofSeconds(5))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200
          ? Optional.of(JSON.readTree(response.body()))
          : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  private static Path prepareSparkHome(Path dir, List<Path> jars) throws IOException {
    Path sparkHome = dir.resolve("spark-home");
    Path jarsDir = sparkHome.resolve("jars");
    if (Files.exists(jarsDir)) {
      try (Stream<Path> old = Files.list(jarsDir)) {
        for (Path link : (Iterable<Path>) old::iterator) {
          Files.delete(link);
        }
      }
    }
    Files.createDirectories(jarsDir);
    Files.createDirectories(sparkHome.resolve("conf"));
    Set<String> names = new HashSet<>();
    for (Path jar : jars) {
      String name = jar.getFileName().toString();
      // Two jars may share a file name (same artifact from two folders): keep them apart.
      String unique = names.add(name) ? name : names.size() + "-" + name;
      names.add(unique);
      Files.createSymbolicLink(jarsDir.resolve(unique), jar.toAbsolutePath());
    }
    // Spark's launcher takes SPARK_HOME/jars as the classpath only when RELEASE exists.
    Files.writeString(
        sparkHome.resolve("RELEASE"),
        "Spark (from Maven jars) for the adapterforge local standalone cluster\n",
        UTF_8);
    return sparkHome;
  }

  private static Path writeWorkerProperties(Path workerDir, int gpus, int workerIndex)
      throws IOException {
    StringBuilder properties = new StringBuilder("# written by adapterforge cluster start\n");
    if (gpus > 0) {
      // Each worker gets its own GPU addresses, as two workers on one host would on real GPUs.
      List<String> addresses = new ArrayList<>();
      for (int g = 0; g < gpus; g++) {
        addresses.add("\"" + ((workerIndex - 1) * gpus + g) + "\"");
      }
      Path script = workerDir.resolve("discover-gpus.sh");
      Files.writeString(
          script,
          "#!/bin/sh\n# Fake GPU discovery for the local cluster: advertises "
              + gpus
              + " GPU addresses.\necho '{\"name\":\"gpu\",\"addresses\":["
              + String.join(",", addresses)
              + "]}'\n",
          UTF_8);
      Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
      properties
          .append("spark.worker.resource.gpu.amount=")
          .append(gpus)
          .append('\n')
          .append("spark.worker.resource.gpu.discoveryScript=")
          .append(script)
          .append('\n');
    }
    Path file = workerDir.resolve("worker.properties");
    Files.writeString(file, properties.toString(), UTF_8);
    return file;
  }

  private static ClusterProcess launch(
      String role, Path sparkHome, Path logs, List<String> mainAndArgs) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add(DAEMON_HEAP);
    command.addAll(List.of(JavaModuleOptions.defaultModuleOptionArray()));
    command.add("-cp");
    command.add(sparkHome.resolve("jars") + "/*");
    command.addAll(mainAndArgs);
    Path log = logs.resolve(role + ".log");
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    Map<String, String> env = builder.environment();
    env.put("SPARK_HOME", sparkHome.toString());
    env.put("SPARK_SCALA_VERSION", "2.13");
    env.put("SPARK_LOCAL_IP", HOST);
    env.put("SPARK_LOCAL_HOSTNAME", HOST);
    env.put("JAVA_HOME", System.getProperty("java.home"));
    return ClusterProcess.of(role, builder.start(), log.toString());
  }

  private static void awaitPort(ClusterProcess process, int port) {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      requireAlive(process);
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress(HOST, port), 500);
        return;
      } catch (IOException e) {
        sleep(200);
      }
    }
    throw new ClusterException(
        process.role() + " did not open port " + port + " in time: " + logTail(process));
  }

  private static void awaitWorkers(ClusterState state, int workers) {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      state.processes().forEach(StandaloneCluster::requireAlive);
      Optional<JsonNode> view = masterView(state);
      if (view.isPresent() && view.get().path("aliveworkers").asInt() >= workers) {
        return;
      }
      sleep(300);
    }
    throw new ClusterException(
        "Workers did not register with " + state.masterUrl() + " in time; see " + logsOf(state));
  }

  private static void requireAlive(ClusterProcess process) {
    if (process.handle().isEmpty()) {
      throw new ClusterException(
          process.role() + " (pid " + process.pid() + ") exited during start: " + logTail(process));
    }
  }

  private static void requirePortFree(int port, String key) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(HOST, port), 300);
      throw new ClusterException(
          "Cannot start the cluster: port " + port + " (" + key + ") is already in use");
    } catch (IOException e) {
      // Nothing listens there: free to use.
    }
  }

  private static List<Long> stopProcesses(List<ClusterProcess> processes) {
    // Workers (and the executors they spawned) first, the master last.
    List<ClusterProcess> order = new ArrayList<>(processes);
    Collections.reverse(order);
    List<ProcessHandle> handles = new ArrayList<>();
    for (ClusterProcess process : order) {
      process
          .handle()
          .ifPresent(
              h -> {
                h.descendants().forEach(handles::add);
                handles.add(h);
              });
    }
    handles.forEach(ProcessHandle::destroy);
    long deadline = System.nanoTime() + STOP_GRACE.toNanos();
    for (ProcessHandle handle : handles) {
      long left = Math.max(0, deadline - System.nanoTime());
      try {
        handle.onExit().get(left, TimeUnit.NANOSECONDS);
      } catch (Exception e) {
        handle.destroyForcibly();
      }
    }
    List<Long> stopped = new ArrayList<>();
    for (ProcessHandle handle : handles) {
      try {
        handle.onExit().get(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new ClusterException("Process " + handle.pid() + " did not end after SIGKILL", e);
      }
      stopped.add(handle.pid());
    }
    return stopped;
  }

  private static String logsOf(ClusterState state) {
    return state.processes().stream()
        .map(ClusterProcess::log)
        .reduce((a, b) -> a + ", " + b)
        .orElse("");
  }

  private static String logTail(ClusterProcess process) {
    try {
      List<String> lines = Files.readAllLines(Path.of(process.log()), UTF_8);
      return "last lines of "
          + process.log()
          + ":\n"
          + String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "see " + process.log();
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ClusterException("Interrupted while waiting for the cluster", e);
    }
  }
}
