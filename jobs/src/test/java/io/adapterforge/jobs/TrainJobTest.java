package io.adapterforge.jobs;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import io.adapterforge.testing.LocalSparkExtension;
import io.adapterforge.train.AdapterOutcome;
import io.adapterforge.train.BaseModelCache;
import io.adapterforge.train.TrainLayout;
import io.adapterforge.train.TrainProgress;
import io.adapterforge.trainer.lora.LoraAdapter;
import io.adapterforge.trainer.model.DecoderModel;
import io.adapterforge.trainer.peft.PeftAdapter;
import io.adapterforge.trainer.storage.StorageDirectory;
import io.adapterforge.trainer.train.CausalLmLoss;
import io.adapterforge.trainer.train.TrainingExample;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The train job on {@code local[2]}: four tenants of different sizes on a tiny Llama. */
@ExtendWith(LocalSparkExtension.class)
class TrainJobTest {
  @TempDir static Path temp;

  private static Path prepared;
  private static Path base;

  @BeforeAll
  static void prepare(SparkSession spark) throws IOException {
    prepared = TrainFixtures.prepare(spark, temp);
    base = TrainFixtures.baseModel(temp);
  }

  @Test
  void trainsEveryAdapterFromItsOwnRowsAndResumesAFinishedRunWithoutRetraining(SparkSession spark)
      throws IOException {
    Path output = temp.resolve("out");
    List<String> log = new ArrayList<>();
    TrainJob.Request request =
        new TrainJob.Request(
            prepared.toString(),
            base.toString(),
            output,
            List.of(),
            "r1",
            TrainFixtures.settings(2, 2),
            Map.of());

    TrainJob.Result result = TrainJob.run(spark, request, log::add);

    assertThat(result.anyFailed()).as(result.table()).isFalse();
    assertThat(result.outcomes())
        .extracting(AdapterOutcome::adapterId)
        .containsExactly("alpha", "beta", "delta", "gamma");
    assertThat(log.get(0)).contains("Plan: 4 adapters on 2 slots").contains("lower bound");
    assertThat(log.get(log.size() - 1)).contains("adapter").contains("alpha").contains("trained");
    // Every adapter trained in the slot the plan gave it, and both slots were used.
    for (AdapterOutcome outcome : result.outcomes()) {
      assertThat(outcome.slot())
          .isEqualTo(result.plan().slotOf(outcome.adapterId()).orElseThrow().index());
      assertThat(outcome.attempt()).isZero();
      assertThat(outcome.gpuAddress()).isNull();
      assertThat(outcome.steps()).isPositive();
      assertThat(outcome.trainLoss()).isFinite();
      assertThat(outcome.validationLoss()).isNotNull();
      // One JVM in local mode: one model load for every adapter of both slots.
      assertThat(outcome.modelLoads()).isEqualTo(1);
      Path adapter = TrainLayout.adapter(output, outcome.adapterId());
      assertThat(adapter.resolve("adapter_config.json")).isRegularFile();
      assertThat(adapter.resolve("adapter_model.safetensors")).isRegularFile();
      assertThat(adapter.resolve("metrics.json")).isRegularFile();
    }
    assertThat(result.outcomes().stream().map(AdapterOutcome::slot).collect(Collectors.toSet()))
        .containsExactlyInAnyOrder(0, 1);
    assertThat(BaseModelCache.loads()).isEqualTo(1);
    // Both slots train on this JVM's one model at the same time: an adapter of slot 0 was
    // training while one of slot 1 was.
    assertThat(log).anyMatch(line -> line.startsWith("Local mode: 2 slots share one JVM"));
    List<TrainProgress.Entry> progress = TrainProgress.read(TrainLayout.progress(output, "r1"));
    assertThat(progress).hasSize(4);
    assertThat(progress)
        .as("progress of both slots: %s", progress)
        .anySatisfy(
            first ->
                assertThat(progress)
                    .anyMatch(
                        second ->
                            first.slot() == 0
                                && second.slot() == 1
                                && first.startedMillis() < second.updatedMillis()
                                && second.startedMillis() < first.updatedMillis()));
    List<Row> table =
        spark
            .read()
            .parquet(output.resolve(TrainLayout.RESULTS).toString())
            .orderBy("adapter_id")
            .collectAsList();
    assertThat(table).hasSize(4);
    assertThat(table)
        .allSatisfy(row -> assertThat(row.<String>getAs("status")).isEqualTo("trained"));
    assertThat(table.get(0).<String>getAs("adapter_id")).isEqualTo("alpha");
    assertThat(table.get(0).<Long>getAs("steps")).isEqualTo(result.outcomes().get(0).steps());

    // Each adapter learned its own tenant: on every tenant's validation rows, that tenant's
    // adapter has the lowest loss of the four.
    Map<String, Map<String, Double>> losses = crossLosses(spark, output);
    for (String rows : TrainFixtures.TENANTS.keySet()) {
      for (String adapter : TrainFixtures.TENANTS.keySet()) {
        if (!adapter.equals(rows)) {
          assertThat(losses.get(rows).get(rows))
              .as(
                  "loss of %s's adapter vs %s's adapter on %s's rows: %s",
                  rows, adapter, rows, losses)
              .isLessThan(losses.get(rows).get(adapter));
        }
      }
    }

    // The same run id again: every adapter is finished, nothing is retrained or rewritten.
    Map<String, FileTime> written = new HashMap<>();
    for (String id : TrainFixtures.TENANTS.keySet()) {
      written.put(
          id, Files.getLastModifiedTime(TrainLayout.adapter(output, id).resolve("metrics.json")));
    }
    TrainJob.Result again = TrainJob.run(spark, request, line -> {});
    assertThat(again.outcomes()).containsExactlyElementsOf(result.outcomes());
    for (String id : TrainFixtures.TENANTS.keySet()) {
      assertThat(Files.getLastModifiedTime(TrainLayout.adapter(output, id).resolve("metrics.json")))
          .isEqualTo(written.get(id));
    }
  }

  @Test
  void anAdapterWithUnreadableRowsFailsWithItsReasonWhileTheOthersTrain(SparkSession spark)
      throws IOException {
    Path broken = temp.resolve("broken");
    copy(prepared, broken);
    Path deltaTrain = broken.resolve("data/adapter_id=delta/split=train");
    try (Stream<Path> files = Files.list(deltaTrain)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".parquet")).toList()) {
        Files.writeString(file, "not parquet");
      }
    }
    Path output = temp.resolve("out-broken");

    TrainJob.Result result =
        TrainJob.run(
            spark,
            new TrainJob.Request(
                broken.toString(),
                base.toString(),
                output,
                List.of("delta", "gamma"),
                "r1",
                TrainFixtures.settings(1, 2),
                Map.of()),
            line -> {});

    assertThat(result.anyFailed()).isTrue();
    AdapterOutcome delta = result.outcomes().get(0);
    assertThat(delta.adapterId()).isEqualTo("delta");
    assertThat(delta.status()).isEqualTo("failed");
    assertThat(delta.reason())
        .contains("adapter_id=delta/split=train")
        .contains("not a Parquet file");
    assertThat(result.outcomes().get(1).status()).isEqualTo("trained");
    assertThat(TrainLayout.adapter(output, "delta")).doesNotExist();
    assertThat(TrainLayout.adapter(output, "gamma").resolve("adapter_model.safetensors"))
        .isRegularFile();
  }

  @Test
  void refusesAnAdapterThatIsNotInTheReport(SparkSession spark) {
    assertThatThrownBy(
            () ->
                TrainJob.run(
                    spark,
                    new TrainJob.Request(
                        prepared.toString(),
                        base.toString(),
                        temp.resolve("none"),
                        List.of("omega"),
                        "r1",
                        TrainFixtures.settings(1, 2),
                        Map.of()),
                    line -> {}))
        .hasMessageStartingWith("Cannot train adapter omega: it is not in ")
        .hasMessageEndingWith("(adapters there: alpha, beta, delta, gamma)");
  }

  /** rows tenant → adapter → mean validation loss of that adapter on those rows. */
  private static Map<String, Map<String, Double>> crossLosses(SparkSession spark, Path output) {
    Map<String, List<TrainingExample>> validation = new HashMap<>();
    for (String tenant : TrainFixtures.TENANTS.keySet()) {
      List<TrainingExample> rows = new ArrayList<>();
      for (Row row :
          spark
              .read()
              .parquet(prepared.resolve("data").toString())
              .where(col("adapter_id").equalTo(tenant).and(col("split").equalTo("validation")))
              .select("input_ids", "labels")
              .collectAsList()) {
        rows.add(new TrainingExample(ints(row.getList(0)), ints(row.getList(1))));
      }
      assertThat(rows).as("validation rows of %s", tenant).isNotEmpty();
      validation.put(tenant, rows);
    }
    Map<String, Map<String, Double>> losses = new HashMap<>();
    try (NDManager manager = NDManager.newBaseManager();
        DecoderModel model = DecoderModel.load(base, manager)) {
      for (String adapterId : TrainFixtures.TENANTS.keySet()) {
        try (LoraAdapter adapter =
                PeftAdapter.load(
                    StorageDirectory.local(TrainLayout.adapter(output, adapterId)),
                    model,
                    manager);
            LoraAdapter.Attachment attached = adapter.attach(model)) {
          for (String tenant : TrainFixtures.TENANTS.keySet()) {
            losses
                .computeIfAbsent(tenant, t -> new HashMap<>())
                .put(
                    adapterId,
                    CausalLmLoss.total(model, validation.get(tenant), 8, manager).mean());
          }
        }
      }
    }
    return losses;
  }

  private static int[] ints(List<Integer> values) {
    return values.stream().mapToInt(Integer::intValue).toArray();
  }

  private static void copy(Path from, Path to) throws IOException {
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path path : paths.toList()) {
        Path target = to.resolve(from.relativize(path).toString());
        if (Files.isDirectory(path)) {
          Files.createDirectories(target);
        } else {
          Files.copy(path, target);
        }
      }
    }
  }
}
