package io.adapterforge.evaluation.registry;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Small adapter folders in PEFT layout for registry tests; the registry treats files opaquely. */
final class FakeAdapters {
  private FakeAdapters() {}

  /** Writes {@code adapter_config.json} and a safetensors-like file whose bytes depend on seed. */
  static Path write(Path folder, String seed) throws IOException {
    Files.createDirectories(folder);
    Files.writeString(
        folder.resolve("adapter_config.json"),
        "{\"peft_type\":\"LORA\",\"r\":8,\"lora_alpha\":16,\"task_type\":\"CAUSAL_LM\","
            + "\"target_modules\":[\"q_proj\",\"v_proj\"],\"base_model_name_or_path\":\""
            + seed
            + "\"}",
        StandardCharsets.UTF_8);
    byte[] weights = new byte[4096];
    byte[] seedBytes = seed.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < weights.length; i++) {
      weights[i] = (byte) (seedBytes[i % seedBytes.length] * 31 + i);
    }
    Files.write(folder.resolve("adapter_model.safetensors"), weights);
    return folder;
  }

  static PublishRequest request(String adapterId, String runId, Path folder) {
    return PublishRequest.builder()
        .setAdapterId(adapterId)
        .setRunId(runId)
        .setArtifactUri(folder.toString())
        .setBaseModelFingerprint("sha256:base")
        .setPreparedDataFingerprint("sha256:prepared-" + runId)
        .optConfigJson("{\"rank\":8}")
        .optMetricsJson("{\"test_nll\":1.25}")
        .build();
  }
}
