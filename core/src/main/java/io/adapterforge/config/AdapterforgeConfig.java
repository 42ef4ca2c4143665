package io.adapterforge.config;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The whole validated configuration of one adapterforge invocation. Immutable and serializable by
 * value (records of strings, numbers and paths), so jobs may pass parts of it to executors.
 *
 * @param workDir root of everything a run writes locally ({@code work-dir}, default {@code ./work})
 * @param runId the run id ({@code run-id}); empty when each command should make its own
 * @param spark where jobs run ({@code spark.*})
 * @param tokenizers the pinned real tokenizers ({@code tokenizers.*})
 * @param cluster the local standalone cluster ({@code cluster.*})
 * @param prepare how corpora become the prepared dataset ({@code prepare.*})
 * @param adapters per-adapter overrides by adapter id ({@code adapters.<id>.*})
 * @param train how adapters are trained ({@code train.*})
 * @param evaluate how adapters are scored and the router trained ({@code evaluate.*})
 * @param publish the publish gate's thresholds ({@code publish.*})
 * @param registry where published adapters go ({@code registry.*})
 */
public record AdapterforgeConfig(
    Path workDir,
    String runId,
    SparkConfig spark,
    TokenizersConfig tokenizers,
    ClusterConfig cluster,
    PrepareConfig prepare,
    Map<String, AdapterConfig> adapters,
    TrainConfig train,
    EvaluateConfig evaluate,
    PublishConfig publish,
    RegistryConfig registry) {
  public AdapterforgeConfig {
    requireNonNull(workDir, "workDir is null");
    requireNonNull(runId, "runId is null");
    InvalidConfigException.check(
        runId.isEmpty() || runId.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,127}"),
        "run-id",
        runId,
        "must be empty or match [A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    requireNonNull(spark, "spark is null");
    requireNonNull(tokenizers, "tokenizers is null");
    requireNonNull(cluster, "cluster is null");
    requireNonNull(prepare, "prepare is null");
    adapters = Map.copyOf(requireNonNull(adapters, "adapters is null"));
    requireNonNull(train, "train is null");
    requireNonNull(evaluate, "evaluate is null");
    requireNonNull(publish, "publish is null");
    requireNonNull(registry, "registry is null");
  }

  /** The overrides of one adapter; one without any when the config names none for it. */
  public AdapterConfig adapter(String adapterId) {
    AdapterConfig adapter = adapters.get(adapterId);
    return adapter != null ? adapter : AdapterConfig.of(adapterId);
  }

  /** The system prompt for an adapter's conversations that have none, if any. */
  public Optional<String> systemPrompt(String adapterId) {
    AdapterConfig adapter = adapters.get(adapterId);
    if (adapter != null && adapter.systemPrompt().isPresent()) {
      return adapter.systemPrompt().filter(p -> !p.isEmpty());
    }
    return Optional.of(prepare.systemPrompt()).filter(p -> !p.isEmpty());
  }

  static AdapterforgeConfig from(ConfigReader reader) {
    return new AdapterforgeConfig(
        ConfigLoader.path(reader, "work-dir"),
        reader.string("run-id"),
        SparkConfig.from(reader),
        TokenizersConfig.from(reader),
        ClusterConfig.from(reader),
        PrepareConfig.from(reader),
        AdapterConfig.from(reader),
        TrainConfig.from(reader),
        EvaluateConfig.from(reader),
        PublishConfig.from(reader),
        RegistryConfig.from(reader));
  }
}
