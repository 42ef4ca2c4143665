package io.adapterforge.evaluation.registry;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;

/**
 * One immutable, published version of an adapter. Versions of an adapter are numbered 1, 2, 3, …
 * without gaps, in the order they were published.
 *
 * @param adapterId the adapter id
 * @param version the version number, starting at 1 for each adapter
 * @param runId the pipeline run that produced it; (adapter id, run id) is unique
 * @param baseModelFingerprint the fingerprint of the base model it was trained on
 * @param preparedDataFingerprint the fingerprint of the prepared data it was trained on
 * @param artifactUri the fully qualified URI of the version folder ({@code <store>/<id>/v<n>})
 * @param files every file of the folder with its size and SHA-256, sorted by path
 * @param configJson the training config, a JSON object
 * @param metricsJson the evaluation metrics, a JSON object
 * @param createdAt when it was published
 */
public record AdapterVersion(
    String adapterId,
    int version,
    String runId,
    String baseModelFingerprint,
    String preparedDataFingerprint,
    String artifactUri,
    List<ArtifactFile> files,
    String configJson,
    String metricsJson,
    Instant createdAt) {
  public AdapterVersion {
    requireNonNull(adapterId, "adapterId is null");
    requireNonNull(runId, "runId is null");
    requireNonNull(baseModelFingerprint, "baseModelFingerprint is null");
    requireNonNull(preparedDataFingerprint, "preparedDataFingerprint is null");
    requireNonNull(artifactUri, "artifactUri is null");
    files = List.copyOf(files);
    requireNonNull(configJson, "configJson is null");
    requireNonNull(metricsJson, "metricsJson is null");
    requireNonNull(createdAt, "createdAt is null");
  }
}
