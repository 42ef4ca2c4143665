package io.adapterforge.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.adapterforge.cluster.ClusterProcess;
import io.adapterforge.cluster.ClusterState;
import io.adapterforge.testing.RealTokenizers;
import io.adapterforge.tokenizer.KnownTokenizer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the real {@code ./adapterforge} launcher script against the freshly built jar. */
class LauncherIT {
  private static final Path ROOT = Path.of(System.getProperty("adapterforge.root")).normalize();

  @TempDir Path temp;

  @Test
  void helpListsCommands() throws Exception {
    Run run = launch("--help");

    assertThat(run.exitCode).as(run.output).isZero();
    assertThat(run.output).contains("Commands:", "config", "fetch-tokenizer", "cluster");
  }

  @Test
  void runsTheParallelCollectorAndTheJitFlagsUnlessJavaOptsSayOtherwise() throws Exception {
    Run byDefault =
        launch(Map.of("ADAPTERFORGE_JAVA_OPTS", "-XX:+PrintCommandLineFlags"), "--version");
    Run named =
        launch(
            Map.of(
                "ADAPTERFORGE_JAVA_OPTS",
                "-XX:+UseSerialGC -XX:FreqInlineSize=325 -XX:+PrintCommandLineFlags"),
            "--version");

    assertThat(byDefault.exitCode).as(byDefault.output).isZero();
    assertThat(byDefault.output)
        .contains(
            "-XX:+UseParallelGC",
            "-XX:Tier4InvocationThreshold=15000",
            "-XX:FreqInlineSize=100",
            "-XX:InlineSmallCode=1000");
    // Two collectors would stop the JVM ("Conflicting collector combinations").
    assertThat(named.exitCode).as(named.output).isZero();
    assertThat(named.output)
        .contains("-XX:+UseSerialGC", "-XX:FreqInlineSize=325")
        .doesNotContain("UseParallelGC", "-XX:FreqInlineSize=100");
  }

  @Test
  void aCommandsFirstSuccessfulRunWritesTheClassDataArchiveLaterRunsMap() throws Exception {
    Path archives = temp.resolve("cds");
    String dir = archives.toString();
    String classLoading = "-Xlog:class+load=info";

    Run failed = launch(Map.of("ADAPTERFORGE_CDS_DIR", dir), "config", "show", "--set", "x.y=1");
    assertThat(failed.exitCode).as(failed.output).isEqualTo(2);
    assertThat(archives).isEmptyDirectory();

    Run first = launch(Map.of("ADAPTERFORGE_CDS_DIR", dir), "config", "show");
    assertThat(first.exitCode).as(first.output).isZero();
    assertThat(first.output).contains("also writes a class-data archive");
    try (Stream<Path> files = Files.list(archives)) {
      assertThat(files).containsExactly(archives.resolve("config-show.jsa"));
    }

    Run second =
        launch(
            Map.of("ADAPTERFORGE_CDS_DIR", dir, "ADAPTERFORGE_JAVA_OPTS", classLoading),
            "config",
            "show");
    assertThat(second.exitCode).as(second.output).isZero();
    assertThat(second.output)
        .contains("io.adapterforge.cli.AdapterforgeCli source: shared objects file (top)")
        .doesNotContain("also writes a class-data archive");

    Run off =
        launch(
            Map.of(
                "ADAPTERFORGE_CDS_DIR", dir,
                "ADAPTERFORGE_CDS", "off",
                "ADAPTERFORGE_JAVA_OPTS", classLoading),
            "config",
            "show");
    assertThat(off.exitCode).as(off.output).isZero();
    assertThat(off.output).doesNotContain("shared objects file (top)");
  }

  @Test
  void benchPrepareMeasuresTheCeilingBetweenTwoRunsOfTheJob() throws Exception {
    Run run =
        launch(
            Map.of("ADAPTERFORGE_HEAP", "1g"),
            "bench",
            "prepare",
            "--rows",
            "400",
            "--tokenizer",
            RealTokenizers.directory(KnownTokenizer.QWEN3).toString());

    assertThat(run.exitCode).as(run.output).isZero();
    assertThat(run.output).contains("Running the job again, in a fresh JVM");
    String json =
        run.output
            .lines()
            .filter(l -> l.startsWith("{\"bench\""))
            .reduce((a, b) -> b)
            .orElseThrow(() -> new AssertionError(run.output));
    JsonNode line = new ObjectMapper().readTree(json);
    JsonNode runs = line.get("wall_s_runs");
    assertThat(runs).hasSize(2);
    double wall = (runs.get(0).asDouble() + runs.get(1).asDouble()) / 2;
    assertThat(line.get("wall_s").asDouble()).isCloseTo(wall, within(0.1));
    long tokens = line.get("tokens").asLong();
    assertThat(tokens).isPositive().isEqualTo(line.get("ceiling_tokens").asLong());
    double ratio = tokens / wall / line.get("ceiling_tokens_per_s").asDouble();
    assertThat(line.get("ratio").asDouble()).isCloseTo(ratio, within(ratio * 0.02 + 0.001));
    // The second run wrote its own copy of the data, in its own JVM.
    try (Stream<Path> benches = Files.list(temp.resolve("work").resolve("bench"))) {
      Path bench =
          benches
              .filter(p -> p.getFileName().toString().startsWith("prepare-"))
              .findFirst()
              .orElseThrow();
      assertThat(bench.resolve("prepared").resolve("report.json")).isRegularFile();
      assertThat(bench.resolve("prepared-again").resolve("report.json")).isRegularFile();
    }
  }

  @Test
  void badRankExits2NamingTheKey() throws Exception {
    Run run = launch("config", "show", "--set", "train.lora.rank=0");

    assertThat(run.exitCode).isEqualTo(2);
    assertThat(run.output).contains("train.lora.rank");
  }

  @Test
  void unknownKeyExits2NamingIt() throws Exception {
    Run run = launch("config", "show", "--set", "train.lora.learning-rate=0.1");

    assertThat(run.exitCode).isEqualTo(2);
    assertThat(run.output).contains("Unknown config key train.lora.learning-rate");
  }

  @Test
  void clusterStartStatusCheckStopLeavesNothingBehind() throws Exception {
    Path dir = temp.resolve("cluster");
    String[] conf = {
      "--set", "cluster.dir=" + dir,
      "--set", "cluster.master-port=" + freePort(),
      "--set", "cluster.master-web-ui-port=" + freePort(),
      "--set", "cluster.memory-per-worker=1g"
    };
    List<ClusterProcess> processes = List.of();
    try {
      Run start = launch(concat(new String[] {"cluster", "start", "--workers", "1"}, conf));
      assertThat(start.exitCode).as(start.output).isZero();
      assertThat(start.output).contains("Cluster ready: 1 workers registered");
      processes = ClusterState.read(dir).orElseThrow().processes();
      assertThat(processes).hasSize(2);

      Run status = launch(concat(new String[] {"cluster", "status"}, conf));
      assertThat(status.exitCode).as(status.output).isZero();
      assertThat(status.output).contains("workers    1 alive");

      Run check = launch(concat(new String[] {"cluster", "check"}, conf));
      assertThat(check.exitCode).as(check.output).isZero();
      assertThat(check.output).contains("4 tasks ran on 1 executors");
    } finally {
      Run stop = launch(concat(new String[] {"cluster", "stop"}, conf));
      assertThat(stop.exitCode).as(stop.output).isZero();
    }
    for (ClusterProcess process : processes) {
      assertThat(ProcessHandle.of(process.pid()).map(ProcessHandle::isAlive).orElse(false))
          .as("%s (pid %d) is gone", process.role(), process.pid())
          .isFalse();
    }
    Run after = launch(concat(new String[] {"cluster", "status"}, conf));
    assertThat(after.exitCode).isEqualTo(1);
  }

  @Test
  void aClusterStartStoppedHalfwayEndsTheJvmsItStarted() throws Exception {
    Path dir = temp.resolve("halfway");
    int masterPort = freePort();
    ProcessBuilder builder =
        new ProcessBuilder(
                ROOT.resolve("adapterforge").toString(),
                "cluster",
                "start",
                "--workers",
                "1",
                "--set",
                "cluster.dir=" + dir,
                "--set",
                "cluster.master-port=" + masterPort,
                "--set",
                "cluster.master-web-ui-port=" + freePort(),
                "--set",
                "cluster.memory-per-worker=1g")
            .directory(temp.toFile())
            .redirectErrorStream(true);
    builder.environment().put("ADAPTERFORGE_NO_BUILD", "1");
    Process start = builder.start();
    StringBuilder output = new StringBuilder();
    CompletableFuture<Boolean> starting =
        CompletableFuture.supplyAsync(
            () -> {
              try (BufferedReader reader =
                  new BufferedReader(
                      new InputStreamReader(start.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                  output.append(line).append('\n');
                  if (line.startsWith("Starting master")) {
                    return true;
                  }
                }
                return false;
              } catch (IOException e) {
                return false;
              }
            });
    try {
      assertThat(starting.get(2, TimeUnit.MINUTES)).as(output.toString()).isTrue();
      start.destroy(); // SIGTERM, as a scheduler stopping the task would send
      assertThat(start.waitFor(1, TimeUnit.MINUTES)).as("the launcher ends").isTrue();
    } finally {
      start.destroyForcibly();
    }

    List<ProcessHandle> left =
        ProcessHandle.allProcesses()
            .filter(p -> p.info().commandLine().orElse("").contains(dir.toString()))
            .toList();
    left.forEach(ProcessHandle::destroyForcibly);
    assertThat(left).as("JVMs of the halfway cluster still running").isEmpty();
    assertThat(ClusterState.read(dir)).isEmpty();
  }

  private Run launch(String... args) throws IOException, InterruptedException {
    return launch(Map.of(), args);
  }

  private Run launch(Map<String, String> environment, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(ROOT.resolve("adapterforge").toString());
    command.addAll(List.of(args));
    Path log = Files.createTempFile(temp, "launcher-", ".log");
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(temp.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    // The build that runs this test has just made the jar; never rebuild from inside it.
    builder.environment().put("ADAPTERFORGE_NO_BUILD", "1");
    builder.environment().putAll(environment);
    Process process = builder.start();
    if (!process.waitFor(5, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new AssertionError("./adapterforge " + String.join(" ", args) + " timed out");
    }
    return new Run(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
  }

  private static String[] concat(String[] a, String[] b) {
    String[] result = new String[a.length + b.length];
    System.arraycopy(a, 0, result, 0, a.length);
    System.arraycopy(b, 0, result, a.length, b.length);
    return result;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return socket.getLocalPort();
    }
  }

  private record Run(int exitCode, String output) {}
}
