package io.adapterforge.evaluation.registry;

import static java.util.Objects.requireNonNull;

/**
 * One file of a published adapter version.
 *
 * @param path the path relative to the version folder, with {@code /} separators
 * @param sizeBytes the file size
 * @param sha256 the lowercase hex SHA-256 of the content
 */
public record ArtifactFile(String path, long sizeBytes, String sha256) {
  public ArtifactFile {
    requireNonNull(path, "path is null");
    requireNonNull(sha256, "sha256 is null");
  }
}
