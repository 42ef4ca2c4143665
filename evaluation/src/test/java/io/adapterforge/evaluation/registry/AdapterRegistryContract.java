package io.adapterforge.evaluation.registry;

import static io.adapterforge.evaluation.registry.FakeAdapters.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The behaviour every registry database must have; subclasses supply a fresh database. */
abstract class AdapterRegistryContract {
  @TempDir Path temp;

  String url;
  Path store;

  /** A JDBC URL of a new, empty database. */
  abstract String newDatabaseUrl() throws Exception;

  @BeforeEach
  void setUp() throws Exception {
    url = newDatabaseUrl();
    store = temp.resolve("store");
  }

  AdapterRegistry open() {
    return AdapterRegistry.open(url, store.toString());
  }

  AdapterRegistry open(PublishHook hook) {
    return AdapterRegistry.open(url, store.toString(), SchemaMigrator.DEFAULT_FOLDER, hook);
  }

  @Test
  void publishesConsecutiveVersionsWithCopiedAndChecksummedFiles() throws Exception {
    Path first = FakeAdapters.write(temp.resolve("a1"), "one");
    Path second = FakeAdapters.write(temp.resolve("a2"), "two");
    try (AdapterRegistry registry = open()) {
      AdapterVersion v1 = registry.publish(request("support", "run-1", first));
      AdapterVersion v2 = registry.publish(request("support", "run-2", second));

      assertThat(v1.version()).isEqualTo(1);
      assertThat(v2.version()).isEqualTo(2);
      Path folder = Paths.get(java.net.URI.create(v2.artifactUri()));
      assertThat(folder).isEqualTo(store.toAbsolutePath().resolve("support/v2"));
      assertThat(Files.readAllBytes(folder.resolve("adapter_model.safetensors")))
          .isEqualTo(Files.readAllBytes(second.resolve("adapter_model.safetensors")));
      assertThat(v2.files())
          .extracting(ArtifactFile::path)
          .containsExactly("adapter_config.json", "adapter_model.safetensors");
      assertThat(v2.files().get(1).sha256())
          .isEqualTo(sha256(second.resolve("adapter_model.safetensors")));
      assertThat(v2.files().get(1).sizeBytes()).isEqualTo(4096);
      assertThat(registry.get("support", 2)).contains(v2);
      assertThat(registry.versions("support")).containsExactly(v1, v2);
      assertThat(v2.metricsJson()).isEqualTo("{\"test_nll\":1.25}");
      assertThat(v2.preparedDataFingerprint()).isEqualTo("sha256:prepared-run-2");
      assertThat(registry.list())
          .singleElement()
          .satisfies(summary -> assertThat(summary.latestVersion()).isEqualTo(2));
      assertThat(stagingLeftovers()).isEmpty();
    }
  }

  @Test
  void republishingTheSameRunReturnsTheExistingVersion() throws Exception {
    Path folder = FakeAdapters.write(temp.resolve("a"), "one");
    try (AdapterRegistry registry = open()) {
      AdapterVersion first = registry.publish(request("support", "run-1", folder));
      AdapterVersion again = registry.publish(request("support", "run-1", folder));

      assertThat(again).isEqualTo(first);
      assertThat(registry.versions("support")).hasSize(1);
      assertThat(stagingLeftovers()).isEmpty();
    }
  }

  @Test
  void tellsAnAdapterWithTheSameWeightsFromANewOne() throws Exception {
    Path first = FakeAdapters.write(temp.resolve("a"), "one");
    try (AdapterRegistry registry = open()) {
      AdapterVersion v1 = registry.publish(request("support", "run-1", first));
      // A rerun on unchanged data: the same weights and config, other training metrics.
      Path rerun = FakeAdapters.write(temp.resolve("b"), "one");
      Files.writeString(rerun.resolve("metrics.json"), "{\"final_loss\": 1.25}");
      assertThat(registry.sameAdapter(v1, rerun.toString())).isTrue();
      assertThat(registry.sameAdapter(v1, FakeAdapters.write(temp.resolve("c"), "two").toString()))
          .isFalse();
    }
  }

  @Test
  void refusesToRepublishARunWithDifferentFiles() throws Exception {
    try (AdapterRegistry registry = open()) {
      registry.publish(request("support", "run-1", FakeAdapters.write(temp.resolve("a"), "one")));

      assertThatThrownBy(
              () ->
                  registry.publish(
                      request("support", "run-1", FakeAdapters.write(temp.resolve("b"), "two"))))
          .isInstanceOf(RegistryException.class)
          .hasMessageContaining("Cannot publish adapter support from run run-1")
          .hasMessageContaining("published as version 1 with different files");
    }
  }

  @Test
  void refusesAFolderWithoutTheAdapterWeights() throws Exception {
    Path folder = FakeAdapters.write(temp.resolve("a"), "one");
    Files.delete(folder.resolve("adapter_model.safetensors"));
    try (AdapterRegistry registry = open()) {
      assertThatThrownBy(() -> registry.publish(request("support", "run-1", folder)))
          .isInstanceOf(RegistryException.class)
          .hasMessageContaining("Cannot publish adapter support from " + folder)
          .hasMessageContaining("adapter_model.safetensors is missing");
      assertThat(registry.versions("support")).isEmpty();
      assertThat(stagingLeftovers()).isEmpty();
    }
  }

  @Test
  void refusesACorruptedStagedCopy() throws Exception {
    Path folder = FakeAdapters.write(temp.resolve("a"), "one");
    PublishHook corrupt =
        (step, location) -> {
          if (step == PublishHook.Step.STAGED) {
            Path weights = Paths.get(location.toUri()).resolve("adapter_model.safetensors");
            byte[] bytes = Files.readAllBytes(weights);
            bytes[100] ^= 0x5a;
            Files.write(weights, bytes);
          }
        };
    try (AdapterRegistry registry = open(corrupt)) {
      assertThatThrownBy(() -> registry.publish(request("support", "run-1", folder)))
          .isInstanceOf(RegistryException.class)
          .hasMessageContaining("the copy in")
          .hasMessageContaining("does not match the source: adapter_model.safetensors has sha256");
      assertThat(registry.versions("support")).isEmpty();
    }
    assertThat(stagingLeftovers()).isEmpty();
    assertThat(store.resolve("support/v1")).doesNotExist();
  }

  @Test
  void crashAfterClaimingTheFolderLeavesNoVersionAndNoObstacle() throws Exception {
    Path crashed = FakeAdapters.write(temp.resolve("crashed"), "crashed");
    try (AdapterRegistry registry = open(crashAt(PublishHook.Step.CLAIMED))) {
      assertThatThrownBy(() -> registry.publish(request("support", "run-1", crashed)))
          .isInstanceOf(SimulatedCrash.class);
    }
    // The crash left the renamed folder behind, and the database has no trace of it.
    assertThat(store.resolve("support/v1/adapter_model.safetensors")).exists();

    Path next = FakeAdapters.write(temp.resolve("next"), "next");
    try (AdapterRegistry registry = open()) {
      assertThat(registry.versions("support")).isEmpty();
      assertThat(registry.list()).isEmpty();

      AdapterVersion v1 = registry.publish(request("support", "run-2", next));

      assertThat(v1.version()).isEqualTo(1);
      assertThat(store.resolve("support/v1/adapter_model.safetensors"))
          .hasSameBinaryContentAs(next.resolve("adapter_model.safetensors"));
      assertThat(registry.publish(request("support", "run-1", crashed)).version()).isEqualTo(2);
    }
  }

  @Test
  void crashAfterStagingLeavesNoVersionAndNoObstacle() throws Exception {
    Path crashed = FakeAdapters.write(temp.resolve("crashed"), "crashed");
    try (AdapterRegistry registry = open(crashAt(PublishHook.Step.STAGED))) {
      assertThatThrownBy(() -> registry.publish(request("support", "run-1", crashed)))
          .isInstanceOf(SimulatedCrash.class);
    }
    assertThat(stagingLeftovers()).hasSize(1);

    try (AdapterRegistry registry = open()) {
      assertThat(registry.versions("support")).isEmpty();
      assertThat(registry.publish(request("support", "run-1", crashed)).version()).isEqualTo(1);
    }
  }

  @Test
  void racingPublishersGetDistinctConsecutiveVersions() throws Exception {
    int publishers = 6;
    List<Path> folders = new ArrayList<>();
    for (int i = 0; i < publishers; i++) {
      folders.add(FakeAdapters.write(temp.resolve("a" + i), "adapter-" + i));
    }
    // Two registries: separate connections (and, for SQLite, separate database handles).
    try (AdapterRegistry left = open();
        AdapterRegistry right = open()) {
      ExecutorService pool = Executors.newFixedThreadPool(publishers);
      CountDownLatch start = new CountDownLatch(1);
      try {
        List<Future<AdapterVersion>> results = new ArrayList<>();
        for (int i = 0; i < publishers; i++) {
          AdapterRegistry registry = i % 2 == 0 ? left : right;
          PublishRequest request = request("support", "run-" + i, folders.get(i));
          Callable<AdapterVersion> publish =
              () -> {
                start.await();
                return registry.publish(request);
              };
          results.add(pool.submit(publish));
        }
        start.countDown();
        List<Integer> versions = new ArrayList<>();
        for (int i = 0; i < publishers; i++) {
          AdapterVersion version = results.get(i).get(120, TimeUnit.SECONDS);
          versions.add(version.version());
          // Each version's folder holds the files of the run that got that number.
          Path weights =
              Paths.get(java.net.URI.create(version.artifactUri()))
                  .resolve("adapter_model.safetensors");
          assertThat(weights)
              .hasSameBinaryContentAs(folders.get(i).resolve("adapter_model.safetensors"));
        }
        assertThat(versions)
            .containsExactlyInAnyOrderElementsOf(
                IntStream.rangeClosed(1, publishers).boxed().toList());
      } finally {
        pool.shutdownNow();
      }
      assertThat(left.versions("support")).hasSize(publishers);
      assertThat(stagingLeftovers()).isEmpty();
    }
  }

  @Test
  void racingPublishersOfTheSameRunShareOneVersion() throws Exception {
    Path folder = FakeAdapters.write(temp.resolve("a"), "one");
    try (AdapterRegistry left = open();
        AdapterRegistry right = open()) {
      ExecutorService pool = Executors.newFixedThreadPool(4);
      CountDownLatch start = new CountDownLatch(1);
      try {
        List<Future<AdapterVersion>> results = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
          AdapterRegistry registry = i % 2 == 0 ? left : right;
          results.add(
              pool.submit(
                  () -> {
                    start.await();
                    return registry.publish(request("support", "run-1", folder));
                  }));
        }
        start.countDown();
        for (Future<AdapterVersion> result : results) {
          assertThat(result.get(120, TimeUnit.SECONDS).version()).isEqualTo(1);
        }
      } finally {
        pool.shutdownNow();
      }
      assertThat(left.versions("support")).hasSize(1);
      assertThat(stagingLeftovers()).isEmpty();
    }
  }

  @Test
  void promoteAndRollbackWalkBackThroughProductionHistory() throws Exception {
    try (AdapterRegistry registry = open()) {
      for (int i = 1; i <= 3; i++) {
        registry.publish(
            request("support", "run-" + i, FakeAdapters.write(temp.resolve("a" + i), "v" + i)));
      }
      assertThat(registry.alias("support", AdapterRegistry.PRODUCTION)).isEmpty();

      registry.promote("support", 1);
      registry.promote("support", 2);
      registry.promote("support", 2); // no-op: already production
      registry.promote("support", 3);
      registry.setAlias("support", AdapterRegistry.CANDIDATE, 3);
      assertThat(registry.alias("support", AdapterRegistry.PRODUCTION).orElseThrow().version())
          .isEqualTo(3);

      assertThat(registry.rollback("support").version()).isEqualTo(2);
      assertThat(registry.alias("support", AdapterRegistry.PRODUCTION).orElseThrow().version())
          .isEqualTo(2);
      assertThat(registry.rollback("support").version()).isEqualTo(1);
      assertThatThrownBy(() -> registry.rollback("support"))
          .isInstanceOf(RegistryException.class)
          .hasMessage(
              "Cannot roll back adapter support: production (version 1) has no earlier version"
                  + " to go back to");
      assertThat(registry.alias("support", AdapterRegistry.CANDIDATE).orElseThrow().version())
          .isEqualTo(3);
      assertThat(registry.aliasHistory("support", AdapterRegistry.PRODUCTION))
          .extracting(AliasChange::version, AliasChange::action, AliasChange::rolledBack)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple(1, "set", false),
              org.assertj.core.groups.Tuple.tuple(2, "set", true),
              org.assertj.core.groups.Tuple.tuple(3, "set", true),
              org.assertj.core.groups.Tuple.tuple(2, "rollback", false),
              org.assertj.core.groups.Tuple.tuple(1, "rollback", false));
      assertThat(registry.list().get(0).aliases())
          .containsEntry("production", 1)
          .containsEntry("candidate", 3);
    }
  }

  @Test
  void aliasErrorsNameTheAdapterAndVersion() throws Exception {
    try (AdapterRegistry registry = open()) {
      registry.publish(request("support", "run-1", FakeAdapters.write(temp.resolve("a"), "one")));

      assertThatThrownBy(() -> registry.promote("support", 7))
          .isInstanceOf(RegistryException.class)
          .hasMessageStartingWith(
              "Cannot set alias production of adapter support to version 7: the adapter has no"
                  + " such version (latest is 1)");
      assertThatThrownBy(() -> registry.promote("billing", 1))
          .isInstanceOf(RegistryException.class)
          .hasMessageStartingWith("Adapter billing is not in the registry at jdbc:");
      assertThatThrownBy(() -> registry.rollback("support"))
          .isInstanceOf(RegistryException.class)
          .hasMessageStartingWith("Cannot roll back adapter support: it has no production version");
      assertThatThrownBy(() -> registry.setAlias("support", "Prod!", 1))
          .isInstanceOf(RegistryException.class)
          .hasMessageContaining("Cannot set alias 'Prod!' of adapter support");
    }
  }

  @Test
  void reopeningAppliesNoMigrationTwiceAndKeepsTheData() throws Exception {
    Path folder = FakeAdapters.write(temp.resolve("a"), "one");
    try (AdapterRegistry registry = open()) {
      registry.publish(request("support", "run-1", folder));
    }
    try (AdapterRegistry registry = open()) {
      assertThat(registry.versions("support")).hasSize(1);
    }
    try (java.sql.Connection connection = Dialect.of(url).connect(url);
        java.sql.ResultSet rows =
            connection
                .createStatement()
                .executeQuery("SELECT version, description FROM schema_version")) {
      assertThat(rows.next()).isTrue();
      assertThat(rows.getInt(1)).isEqualTo(1);
      assertThat(rows.getString(2)).startsWith("adapters, immutable versions");
      assertThat(rows.next()).isFalse();
    }
  }

  @Test
  void migratesStepByStepAndRollsBackAFailingMigration() throws Exception {
    String base = "io/adapterforge/evaluation/registry/test-migrations/";
    SchemaMigrator first = new SchemaMigrator(base + "one");
    SchemaMigrator second = new SchemaMigrator(base + "two");
    SchemaMigrator broken = new SchemaMigrator(base + "broken");
    Dialect dialect = Dialect.of(url);
    dialect.prepareLocation(url);
    try (java.sql.Connection connection = dialect.connect(url)) {
      assertThat(first.migrate(connection, dialect, url)).containsExactly(1);
      assertThat(first.migrate(connection, dialect, url)).isEmpty();
      assertThat(second.migrate(connection, dialect, url)).containsExactly(2);

      assertThatThrownBy(() -> broken.migrate(connection, dialect, url))
          .isInstanceOf(RegistryException.class)
          .hasMessageContaining("Cannot apply registry migration V3 (adds a broken table)");
      // V3 created a table before failing; the transaction took it back.
      assertThat(tableExists(connection, "half_done")).isFalse();
      assertThat(tableExists(connection, "second_table")).isTrue();

      assertThatThrownBy(() -> first.migrate(connection, dialect, "the-url"))
          .isInstanceOf(RegistryException.class)
          .hasMessage(
              "The registry at the-url has schema version 2, newer than this adapterforge knows"
                  + " (1): upgrade adapterforge");
      SchemaMigrator changed = new SchemaMigrator(base + "changed");
      assertThatThrownBy(() -> changed.migrate(connection, dialect, "the-url"))
          .isInstanceOf(RegistryException.class)
          .hasMessageContaining("applied migration V1 (first table) with a different text");
    }
  }

  private static boolean tableExists(java.sql.Connection connection, String table) {
    try (java.sql.Statement statement = connection.createStatement()) {
      statement.executeQuery("SELECT COUNT(*) FROM " + table).close();
      return true;
    } catch (java.sql.SQLException e) {
      return false;
    }
  }

  private List<Path> stagingLeftovers() throws IOException {
    Path staging = store.resolve(ArtifactStore.STAGING_FOLDER);
    if (!Files.exists(staging)) {
      return List.of();
    }
    try (Stream<Path> children = Files.list(staging)) {
      return children.toList();
    }
  }

  private static PublishHook crashAt(PublishHook.Step crashStep) {
    return (step, location) -> {
      if (step == crashStep) {
        throw new SimulatedCrash(step);
      }
    };
  }

  /** Stands for the process dying: publish does not clean up after an Error. */
  static final class SimulatedCrash extends Error {
    private static final long serialVersionUID = 1L;

    SimulatedCrash(PublishHook.Step step) {
      super("simulated crash at " + step);
    }
  }

  private static String sha256(Path file) throws Exception {
    return HexFormat.of()
        .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
  }
}
