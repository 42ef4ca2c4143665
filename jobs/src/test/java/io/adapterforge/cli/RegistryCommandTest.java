package io.adapterforge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.adapterforge.cli.AdapterforgeCliTest.Result;
import io.adapterforge.evaluation.registry.AdapterRegistry;
import io.adapterforge.evaluation.registry.PublishRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegistryCommandTest {
  @TempDir Path temp;

  private String url;
  private Path store;

  @BeforeEach
  void publishTwoAdapters() throws Exception {
    url = "jdbc:sqlite:" + temp.resolve("registry.db");
    store = temp.resolve("store");
    try (AdapterRegistry registry = AdapterRegistry.open(url, store.toString())) {
      registry.publish(request("support", "run-1"));
      registry.publish(request("support", "run-2"));
      registry.publish(request("billing", "run-1"));
    }
  }

  @Test
  void listShowsLatestVersionAndAliases() {
    run("promote", "support", "1");

    Result result = run("list");

    assertThat(result.exitCode()).isZero();
    assertThat(result.out())
        .contains("ADAPTER")
        .containsPattern("billing\\s+v1\\s+-\\s+-")
        .containsPattern("support\\s+v2\\s+v1\\s+-");
  }

  @Test
  void showPrintsVersionsFilesAndChecksums() {
    Result result = run("show", "support");

    assertThat(result.exitCode()).isZero();
    assertThat(result.out())
        .contains("adapter support")
        .contains("v1  run run-1")
        .contains("v2  run run-2")
        .contains(store.toAbsolutePath().resolve("support/v2").toString())
        .containsPattern("file adapter_model.safetensors  64 bytes  sha256 [0-9a-f]{64}")
        .contains("metrics       {\"test_nll\":1.5}");
  }

  @Test
  void showOfAnUnknownAdapterExits1NamingIt() {
    Result result = run("show", "nobody");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err()).contains("Adapter nobody is not in the registry at jdbc:sqlite:");
  }

  @Test
  void promoteAndRollbackMoveProduction() {
    assertThat(run("promote", "support", "1").out()).contains("support production -> v1");
    assertThat(run("promote", "support", "v2").out()).contains("support production -> v2");

    Result rollback = run("rollback", "support");

    assertThat(rollback.exitCode()).isZero();
    assertThat(rollback.out()).contains("support production -> v1");
    assertThat(run("list").out()).containsPattern("support\\s+v2\\s+v1");
  }

  @Test
  void promoteOfAMissingVersionExits1AndABadNumberExits2() {
    Result missing = run("promote", "support", "9");
    assertThat(missing.exitCode()).isEqualTo(1);
    assertThat(missing.err())
        .contains("Cannot set alias production of adapter support to version 9");

    Result bad = run("promote", "support", "latest");
    assertThat(bad.exitCode()).isEqualTo(2);
    assertThat(bad.err()).contains("Cannot promote support to version 'latest'");
  }

  @Test
  void exportVllmPrintsLoraModulesOfProductionVersions() {
    run("promote", "support", "2");

    Result result = run("export-vllm");

    assertThat(result.exitCode()).isZero();
    assertThat(result.out().strip())
        .isEqualTo("--lora-modules support=" + store.toAbsolutePath().resolve("support/v2"));
    assertThat(result.err()).contains("skipped billing: no production version");
  }

  @Test
  void exportForLoraxPrintsLocalAdapterSources() {
    run("promote", "support", "2");
    run("promote", "billing", "1");

    Result result = run("export-vllm", "--format", "lorax");

    assertThat(result.exitCode()).isZero();
    assertThat(result.out().lines())
        .containsExactly(
            "{\"name\":\"billing\",\"adapter_id\":\""
                + store.toAbsolutePath().resolve("billing/v1")
                + "\",\"adapter_source\":\"local\"}",
            "{\"name\":\"support\",\"adapter_id\":\""
                + store.toAbsolutePath().resolve("support/v2")
                + "\",\"adapter_source\":\"local\"}");
  }

  @Test
  void unknownConfigKeyExits2() {
    Result result = run("list", "--set", "registry.nope=1");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("registry.nope");
  }

  private Result run(String... args) {
    List<String> all = new ArrayList<>(List.of("registry"));
    all.add(args[0]);
    all.addAll(List.of("--url", url, "--store", store.toString()));
    all.addAll(List.of(args).subList(1, args.length));
    return AdapterforgeCliTest.run(all.toArray(String[]::new));
  }

  private PublishRequest request(String adapterId, String runId) throws Exception {
    Path folder = Files.createDirectories(temp.resolve("adapters/" + adapterId + "-" + runId));
    Files.writeString(folder.resolve("adapter_config.json"), "{\"peft_type\":\"LORA\",\"r\":4}");
    byte[] weights = new byte[64];
    for (int i = 0; i < weights.length; i++) {
      weights[i] = (byte) (adapterId.hashCode() + runId.hashCode() + i);
    }
    Files.write(folder.resolve("adapter_model.safetensors"), weights);
    return PublishRequest.builder()
        .setAdapterId(adapterId)
        .setRunId(runId)
        .setArtifactUri(folder.toString())
        .setBaseModelFingerprint("sha256:base")
        .setPreparedDataFingerprint("sha256:prepared")
        .optMetricsJson("{\"test_nll\":1.5}")
        .build();
  }
}
