package io.adapterforge.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.adapterforge.cli.AdapterforgeCli;
import io.adapterforge.testing.LocalClusterExtension;
import io.adapterforge.testing.LocalSparkExtension;
import io.adapterforge.train.TrainLayout;
import io.adapterforge.train.TrainProgress;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code adapterforge train} submitted from the shaded jar with SparkSubmit to a real standalone
 * cluster of two workers on loopback, each advertising one fake GPU: slots follow the GPUs, the
 * base model is loaded once per executor, and a killed executor's slot resumes where it stopped.
 */
@ExtendWith(LocalSparkExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TrainClusterIT {
  @RegisterExtension
  static final LocalClusterExtension CLUSTER = LocalClusterExtension.workers(2).gpusPerWorker(1);

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path temp;

  private static Path prepared;
  private static Path base;

  @BeforeAll
  static void prepare(SparkSession spark) throws IOException {
    prepared = TrainFixtures.prepare(spark, temp);
    base = TrainFixtures.baseModel(temp);
  }

  @Test
  @Order(1)
  void eachSlotTrainsOnItsOwnGpuAddressWithOneModelLoadPerExecutor(SparkSession spark)
      throws Exception {
    Path output = temp.resolve("reference");
    Process driver = submit(output, "ref", 2);

    String log = await(driver, output);

    List<Row> rows = results(spark, output);
    assertThat(rows).as(log).hasSize(4);
    assertThat(rows)
        .allSatisfy(row -> assertThat(row.<String>getAs("status")).isEqualTo("trained"));
    Set<String> gpus =
        rows.stream().map(r -> r.<String>getAs("gpu_address")).collect(Collectors.toSet());
    assertThat(gpus).containsExactlyInAnyOrder("0", "1");
    assertThat(rows).allSatisfy(row -> assertThat(row.<String>getAs("device")).isEqualTo("cpu()"));
    Set<String> executors =
        rows.stream().map(r -> r.<String>getAs("executor_id")).collect(Collectors.toSet());
    assertThat(executors).hasSize(2).doesNotContain("driver");
    // Model loads = executors: every executor JVM loaded the base model exactly once, however many
    // adapters it trained.
    assertThat(rows).allSatisfy(row -> assertThat(row.<Integer>getAs("model_loads")).isEqualTo(1));
    Map<String, Set<Long>> pidsByGpu = new HashMap<>();
    rows.forEach(
        row ->
            pidsByGpu
                .computeIfAbsent(row.getAs("gpu_address"), g -> new java.util.HashSet<>())
                .add(row.getAs("pid")));
    assertThat(pidsByGpu.values()).allSatisfy(pids -> assertThat(pids).hasSize(1));
    assertThat(log)
        .contains("Plan: 4 adapters on 2 slots")
        .containsPattern("slot 1: [\\d,]+ tokens: beta \\([\\d,]+\\) gamma \\([\\d,]+\\)")
        .contains("step ");
    // The fallback to the CPU is logged where it happens: in each executor's stderr.
    assertThat(executorLogs())
        .filteredOn(text -> text.contains("but libtorch sees 0 CUDA device(s): running on the CPU"))
        .hasSizeGreaterThanOrEqualTo(2);
  }

  @Test
  @Order(2)
  void killingAnExecutorMidwayResumesItsAdapterExactlyAndKeepsFinishedOnes(SparkSession spark)
      throws Exception {
    Path output = temp.resolve("killed");
    Process driver = submit(output, "kill", 1);
    // LPT on these tenants' loss tokens: slot 0 trains alpha alone, slot 1 beta, gamma, delta (the
    // first test's log shows the plan). Kill slot 1's executor once beta is finished and gamma is a
    // few updates in.
    Path progress = TrainLayout.progress(output, "kill");
    Optional<TrainProgress.Entry> victim = Optional.empty();
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    while (victim.isEmpty() && System.nanoTime() < deadline && driver.isAlive()) {
      victim =
          TrainProgress.read(progress).stream()
              .filter(
                  e ->
                      e.adapterId().equals("gamma")
                          && e.step() >= 3
                          && e.step() < e.totalSteps() - 3)
              .findFirst();
      Thread.sleep(20);
    }
    assertThat(victim).as("gamma was seen midway; driver log:%n%s", driverLog(output)).isPresent();
    FileTime betaWritten =
        Files.getLastModifiedTime(TrainLayout.adapter(output, "beta").resolve("metrics.json"));
    assertThat(ProcessHandle.of(victim.get().pid()).orElseThrow().destroyForcibly()).isTrue();

    String log = await(driver, output);

    List<Row> rows = results(spark, output);
    Map<String, Row> byId = new HashMap<>();
    rows.forEach(row -> byId.put(row.getAs("adapter_id"), row));
    assertThat(rows).as(log).hasSize(4);
    assertThat(rows)
        .allSatisfy(row -> assertThat(row.<String>getAs("status")).isEqualTo("trained"));
    Row gamma = byId.get("gamma");
    assertThat(gamma.<Integer>getAs("attempt")).isPositive();
    assertThat(gamma.<Long>getAs("resumed_from_step"))
        .isGreaterThanOrEqualTo(victim.get().step() - 1);
    assertThat(gamma.<Long>getAs("pid")).isNotEqualTo(victim.get().pid());
    // beta was finished before the kill: its row is the first attempt's, its folder untouched.
    assertThat(byId.get("beta").<Integer>getAs("attempt")).isZero();
    assertThat(
            Files.getLastModifiedTime(TrainLayout.adapter(output, "beta").resolve("metrics.json")))
        .isEqualTo(betaWritten);
    // The resumed curve equals the uninterrupted run's (order 1, checkpoints every 2 updates).
    List<Double> resumed = losses(TrainLayout.adapter(output, "gamma"));
    List<Double> reference = losses(TrainLayout.adapter(temp.resolve("reference"), "gamma"));
    assertThat(resumed).hasSameSizeAs(reference);
    for (int i = 0; i < reference.size(); i++) {
      assertThat(resumed.get(i))
          .as("loss of update %d", i + 1)
          .isCloseTo(reference.get(i), within(1e-6));
    }
  }

  private static List<String> executorLogs() throws IOException {
    List<String> logs = new ArrayList<>();
    try (java.util.stream.Stream<Path> files = Files.walk(CLUSTER.dir())) {
      for (Path file : files.filter(f -> f.getFileName().toString().equals("stderr")).toList()) {
        logs.add(Files.readString(file, StandardCharsets.UTF_8));
      }
    }
    return logs;
  }

  private static List<Double> losses(Path adapter) throws IOException {
    JsonNode metrics = JSON.readTree(adapter.resolve("metrics.json").toFile());
    List<Double> losses = new ArrayList<>();
    metrics.get("steps").forEach(step -> losses.add(step.get("loss").asDouble()));
    return losses;
  }

  private static List<Row> results(SparkSession spark, Path output) {
    return spark.read().parquet(output.resolve(TrainLayout.RESULTS).toString()).collectAsList();
  }

  private static Process submit(Path output, String runId, int checkpointEvery) throws IOException {
    Files.createDirectories(output);
    return CLUSTER
        .sparkSubmit(
            AdapterforgeCli.class.getName(),
            List.of(
                "spark.executor.resource.gpu.amount=1",
                "spark.task.resource.gpu.amount=1",
                "spark.speculation=false"),
            System.getProperty("adapterforge.jar"),
            List.of(
                "train",
                "--prepared",
                prepared.toString(),
                "--base-model",
                base.toString(),
                "--output",
                output.toString(),
                "--run-id",
                runId,
                "--slots",
                "2",
                "--threads-per-slot",
                "1",
                "--epochs",
                "6",
                "--batch-size",
                "4",
                "--learning-rate",
                "5e-3",
                "--checkpoint-every",
                Integer.toString(checkpointEvery)),
            output.resolve("driver.log"))
        .start();
  }

  private static String await(Process driver, Path output) throws Exception {
    boolean finished = driver.waitFor(4, TimeUnit.MINUTES);
    if (!finished) {
      driver.destroyForcibly();
    }
    String log = driverLog(output);
    assertThat(finished).as("spark-submit finished in time; log:%n%s", log).isTrue();
    assertThat(driver.exitValue()).as("spark-submit exit code; log:%n%s", log).isZero();
    return log;
  }

  private static String driverLog(Path output) throws IOException {
    Path log = output.resolve("driver.log");
    return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
  }
}
