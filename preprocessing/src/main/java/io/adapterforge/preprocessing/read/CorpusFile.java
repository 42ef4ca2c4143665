package io.adapterforge.preprocessing.read;

import static java.util.Objects.requireNonNull;

import java.io.Serializable;

/**
 * One input file.
 *
 * @param path the file's fully qualified URI
 * @param folderAdapter the name of the folder right under the input root that holds the file
 *     ({@code corpus/<adapter_id>/part.jsonl}), or null when the file sits in the root itself or
 *     was given directly
 * @param length the file's size in bytes as listed (compressed, for a compressed file); only used
 *     to schedule the largest files first
 */
public record CorpusFile(String path, String folderAdapter, long length) implements Serializable {
  public CorpusFile {
    requireNonNull(path, "path is null");
  }
}
