package io.adapterforge.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.adapterforge.cluster.ClusterProcess;
import io.adapterforge.cluster.ClusterState;
import io.adapterforge.cluster.StandaloneCluster;
import io.adapterforge.testing.LocalClusterExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Submits {@link ClusterCheckJob} from the shaded jar with SparkSubmit, as a separate driver JVM,
 * to a real standalone cluster of two workers on loopback that advertise one fake GPU each.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {
  @RegisterExtension
  static final LocalClusterExtension CLUSTER = LocalClusterExtension.workers(2).gpusPerWorker(1);

  @TempDir static Path temp;

  private static final List<Long> executorPids = new ArrayList<>();

  @Test
  @Order(1)
  void submittedJobRunsOnTwoExecutorJvmsEachWithItsOwnGpu() throws Exception {
    ClusterState state = CLUSTER.state();
    Path output = temp.resolve("check.json");
    Path log = temp.resolve("spark-submit.log");
    ProcessBuilder builder =
        CLUSTER.sparkSubmit(
            ClusterCheckJob.class.getName(),
            List.of("spark.executor.resource.gpu.amount=1", "spark.task.resource.gpu.amount=1"),
            System.getProperty("adapterforge.jar"),
            List.of("--executors", "2", "--tasks", "8", "--output", output.toString()),
            log);
    Process driver = builder.start();

    boolean finished = driver.waitFor(4, TimeUnit.MINUTES);
    if (!finished) {
      driver.destroyForcibly();
    }
    String driverLog = Files.readString(log, StandardCharsets.UTF_8);
    assertThat(finished).as("spark-submit finished in time; log:%n%s", driverLog).isTrue();
    assertThat(driver.exitValue()).as("spark-submit exit code; log:%n%s", driverLog).isZero();

    List<TaskPlacement> placements =
        new ObjectMapper().readValue(output.toFile(), new TypeReference<List<TaskPlacement>>() {});
    assertThat(placements).hasSize(8);
    Set<Long> pids = placements.stream().map(TaskPlacement::pid).collect(Collectors.toSet());
    Set<String> executors =
        placements.stream().map(TaskPlacement::executorId).collect(Collectors.toSet());
    assertThat(executors).hasSize(2).doesNotContain("driver");
    assertThat(pids).hasSize(2).doesNotContain(driver.pid(), ProcessHandle.current().pid());
    assertThat(pids)
        .doesNotContainAnyElementsOf(state.processes().stream().map(ClusterProcess::pid).toList());
    // Each task got exactly one GPU; the two executors hold the two workers' distinct GPUs.
    assertThat(placements).allSatisfy(p -> assertThat(p.gpus()).hasSize(1));
    assertThat(placements.stream().flatMap(p -> p.gpus().stream()).collect(Collectors.toSet()))
        .containsExactlyInAnyOrder("0", "1");
    executorPids.addAll(pids);
  }

  @Test
  @Order(2)
  void stopLeavesNoProcessBehind() {
    List<ClusterProcess> processes = CLUSTER.state().processes();
    assertThat(processes)
        .extracting(ClusterProcess::role)
        .containsExactly("master", "worker-1", "worker-2");
    assertThat(processes).allSatisfy(p -> assertThat(p.handle()).isPresent());

    List<Long> stopped = CLUSTER.stop();

    assertThat(stopped).containsAll(processes.stream().map(ClusterProcess::pid).toList());
    for (ClusterProcess process : processes) {
      assertThat(ProcessHandle.of(process.pid()).map(ProcessHandle::isAlive).orElse(false))
          .as("%s (pid %d) is gone", process.role(), process.pid())
          .isFalse();
    }
    for (long pid : executorPids) {
      assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
          .as("executor pid %d is gone", pid)
          .isFalse();
    }
    assertThat(StandaloneCluster.status(CLUSTER.dir())).isEmpty();
  }
}
