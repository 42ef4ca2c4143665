package io.adapterforge.evaluation.registry;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.adapterforge.config.AdapterIds;

/**
 * What to publish: an adapter folder in PEFT layout and the facts that identify how it was made.
 * Build it with {@link #builder()}: the {@code set…} values are required, the {@code opt…} ones
 * default to an empty JSON object. Immutable and thread-safe.
 *
 * @param adapterId the adapter id ({@code [a-z0-9][a-z0-9._-]{0,63}})
 * @param runId the pipeline run that produced the adapter; publishing the same (adapter, run) twice
 *     returns the first version
 * @param artifactUri the adapter folder: a local path or a Hadoop FileSystem URI; it must hold
 *     {@code adapter_config.json} and {@code adapter_model.safetensors}
 * @param baseModelFingerprint the fingerprint of the base model
 * @param preparedDataFingerprint the fingerprint of the prepared data
 * @param configJson the training config, a JSON object
 * @param metricsJson the evaluation metrics, a JSON object
 */
public record PublishRequest(
    String adapterId,
    String runId,
    String artifactUri,
    String baseModelFingerprint,
    String preparedDataFingerprint,
    String configJson,
    String metricsJson) {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_TEXT_LENGTH = 512;

  public PublishRequest {
    if (!AdapterIds.isValid(adapterId)) {
      throw new RegistryException(
          String.format("Cannot publish adapter '%s': the id %s", adapterId, AdapterIds.RULE));
    }
    runId = requireText(adapterId, "run id", runId);
    artifactUri = requireText(adapterId, "artifact URI", artifactUri);
    baseModelFingerprint = requireText(adapterId, "base-model fingerprint", baseModelFingerprint);
    preparedDataFingerprint =
        requireText(adapterId, "prepared-data fingerprint", preparedDataFingerprint);
    requireJsonObject(adapterId, "config", configJson);
    requireJsonObject(adapterId, "metrics", metricsJson);
  }

  /** A builder with the config and metrics set to {@code {}}. */
  public static Builder builder() {
    return new Builder();
  }

  private static String requireText(String adapterId, String what, String value) {
    if (value == null || value.isBlank()) {
      throw new RegistryException(
          String.format("Cannot publish adapter %s: the %s is missing", adapterId, what));
    }
    if (value.length() > MAX_TEXT_LENGTH) {
      throw new RegistryException(
          String.format(
              "Cannot publish adapter %s: the %s is %d characters long, the most is %d",
              adapterId, what, value.length(), MAX_TEXT_LENGTH));
    }
    return value;
  }

  private static void requireJsonObject(String adapterId, String what, String json) {
    if (json == null) {
      throw new RegistryException(
          String.format("Cannot publish adapter %s: the %s JSON is missing", adapterId, what));
    }
    JsonNode node;
    try {
      node = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new RegistryException(
          String.format(
              "Cannot publish adapter %s: the %s is not valid JSON (%s)",
              adapterId, what, e.getOriginalMessage()),
          e);
    }
    if (node == null || !node.isObject()) {
      throw new RegistryException(
          String.format(
              "Cannot publish adapter %s: the %s must be a JSON object", adapterId, what));
    }
  }

  /** Builds a {@link PublishRequest}; not thread-safe. */
  public static final class Builder {
    private String adapterId;
    private String runId;
    private String artifactUri;
    private String baseModelFingerprint;
    private String preparedDataFingerprint;
    private String configJson = "{}";
    private String metricsJson = "{}";

    private Builder() {}

    public Builder setAdapterId(String adapterId) {
      this.adapterId = adapterId;
      return this;
    }

    public Builder setRunId(String runId) {
      this.runId = runId;
      return this;
    }

    /** The adapter folder to publish: a local path or a Hadoop FileSystem URI. */
    public Builder setArtifactUri(String artifactUri) {
      this.artifactUri = artifactUri;
      return this;
    }

    public Builder setBaseModelFingerprint(String baseModelFingerprint) {
      this.baseModelFingerprint = baseModelFingerprint;
      return this;
    }

    public Builder setPreparedDataFingerprint(String preparedDataFingerprint) {
      this.preparedDataFingerprint = preparedDataFingerprint;
      return this;
    }

    public Builder optConfigJson(String configJson) {
      this.configJson = requireNonNull(configJson, "configJson is null");
      return this;
    }

    public Builder optMetricsJson(String metricsJson) {
      this.metricsJson = requireNonNull(metricsJson, "metricsJson is null");
      return this;
    }

    public PublishRequest build() {
      return new PublishRequest(
          adapterId,
          runId,
          artifactUri,
          baseModelFingerprint,
          preparedDataFingerprint,
          configJson,
          metricsJson);
    }
  }
}
