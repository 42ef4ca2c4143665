package io.adapterforge.config;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;

/**
 * The whole validated configuration of one adapterforge invocation. Immutable and serializable by
 * value (records of strings, numbers and paths), so jobs may pass parts of it to executors.
 *
 * @param workDir root of everything a run writes locally ({@code work-dir}, default {@code ./work})
 */
public record AdapterforgeConfig(
    Path workDir,
    SparkConfig spark,
    TokenizersConfig tokenizers,
    ClusterConfig cluster,
    TrainConfig train) {
  public AdapterforgeConfig {
    requireNonNull(workDir, "workDir is null");
    requireNonNull(spark, "spark is null");
    requireNonNull(tokenizers, "tokenizers is null");
    requireNonNull(cluster, "cluster is null");
    requireNonNull(train, "train is null");
  }

  static AdapterforgeConfig from(ConfigReader reader) {
    return new AdapterforgeConfig(
        ConfigLoader.path(reader, "work-dir"),
        SparkConfig.from(reader),
        TokenizersConfig.from(reader),
        ClusterConfig.from(reader),
        TrainConfig.from(reader));
  }
}
