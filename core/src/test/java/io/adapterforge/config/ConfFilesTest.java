package io.adapterforge.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The files in {@code conf/}: {@code local.conf} lists every key a stage reads, and {@code
 * cluster.conf} and {@code cluster-gpu.conf} load and validate, with the RAPIDS plugin and GPU
 * scheduling only in the GPU one.
 */
class ConfFilesTest {
  private static final Path CONF =
      Path.of(System.getProperty("basedir", ".")).resolve("../conf").normalize();
  private static final String RAPIDS_PLUGIN = "com.nvidia.spark.SQLPlugin";

  @Test
  void localConfListsEveryKeyTheStagesRead() {
    ConfigReader reader = new ConfigReader(ConfigLoader.resolve(Optional.empty(), List.of()));
    AdapterforgeConfig.from(reader);

    Set<String> listed = new TreeSet<>(reader.presentKeys());
    listed.removeIf(key -> key.startsWith("spark.conf."));
    Set<String> read = new TreeSet<>(reader.readKeys());
    // Sections read as a whole, with free keys: Spark properties, and adapter ids (in comments).
    read.removeAll(Set.of("spark.conf", "adapters"));
    assertThat(read).isEqualTo(listed);
  }

  @Test
  void clusterConfRunsOnTheStandaloneClusterWithoutGpus() {
    assertThat(CONF.resolve("cluster.conf")).isRegularFile();
    AdapterforgeConfig config =
        ConfigLoader.load(Optional.of(CONF.resolve("cluster.conf")), List.of());

    assertThat(config.spark().master()).startsWith("spark://");
    assertThat(config.spark().conf())
        .containsEntry("spark.speculation", "false")
        .containsKeys("spark.executor.memory", "spark.executor.cores")
        .doesNotContainKeys("spark.executor.resource.gpu.amount", "spark.task.resource.gpu.amount");
    // As written it runs on the loopback cluster of 'cluster start --conf conf/cluster.conf':
    // executors fit the workers, and the registry needs no server.
    assertThat(mebibytes(config.spark().conf().get("spark.executor.memory")))
        .isLessThanOrEqualTo(mebibytes(config.cluster().memoryPerWorker()));
    assertThat(Integer.parseInt(config.spark().conf().get("spark.executor.cores")))
        .isLessThanOrEqualTo(config.cluster().coresPerWorker());
    assertThat(config.registry().url()).startsWith("jdbc:sqlite:");
    assertNoRapids(config.spark().conf());
  }

  @Test
  void localConfNeverEnablesRapids() {
    assertNoRapids(ConfigLoader.load(Optional.empty(), List.of()).spark().conf());
  }

  @Test
  void clusterGpuConfAsksForGpusAndEnablesRapidsOverClusterConf() {
    assertThat(CONF.resolve("cluster-gpu.conf")).isRegularFile();
    AdapterforgeConfig config =
        ConfigLoader.load(Optional.of(CONF.resolve("cluster-gpu.conf")), List.of());
    Map<String, String> spark = config.spark().conf();

    assertThat(spark)
        .containsEntry("spark.executor.resource.gpu.amount", "1")
        .containsEntry("spark.task.resource.gpu.amount", "1")
        .containsEntry("spark.plugins", RAPIDS_PLUGIN)
        .containsEntry("spark.rapids.sql.enabled", "true")
        .containsEntry("spark.rapids.sql.explain", "NOT_ON_GPU")
        .containsEntry("spark.executorEnv.PYTORCH_FLAVOR", "cu128")
        // From cluster.conf, which it includes.
        .containsEntry("spark.speculation", "false");
    assertThat(spark.get("spark.jars.packages"))
        .matches("com\\.nvidia:rapids-4-spark_2\\.13:[0-9]+\\.[0-9]+\\.[0-9]+");
    assertThat(Path.of(spark.get("spark.executor.resource.gpu.discoveryScript")).getFileName())
        .hasToString("getGpusResources.sh");
    assertThat(config.spark().master()).startsWith("spark://");
    assertThat(config.cluster().gpusPerWorker()).isEqualTo(1);
  }

  private static void assertNoRapids(Map<String, String> spark) {
    assertThat(spark.getOrDefault("spark.plugins", "")).doesNotContain(RAPIDS_PLUGIN);
    assertThat(spark.getOrDefault("spark.rapids.sql.enabled", "false"))
        .isNotEqualToIgnoringCase("true");
  }

  private static long mebibytes(String size) {
    long value = Long.parseLong(size.substring(0, size.length() - 1));
    return switch (Character.toLowerCase(size.charAt(size.length() - 1))) {
      case 'g' -> value * 1024;
      case 'm' -> value;
      default -> throw new IllegalArgumentException("Cannot read the size " + size);
    };
  }
}
