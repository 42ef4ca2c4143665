package io.adapterforge.trainer.safetensors;

import static java.util.Objects.requireNonNull;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.adapterforge.trainer.ModelLoadException;
import io.adapterforge.trainer.storage.StorageDirectory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The weights of a Hugging Face model folder: {@value #SINGLE_FILE}, or the shards listed in
 * {@value #INDEX_FILE} (whose {@code weight_map} maps each tensor to its shard file).
 *
 * <p>Opening reads every file's header and checks that each tensor of the index is in the shard the
 * index names; tensors are then read one at a time on demand. Thread-safe for concurrent reads;
 * {@link #close()} closes every shard and must not race with reads.
 */
public final class SafetensorsCheckpoint implements TensorReader {
  /** The weights file of an unsharded model folder. */
  public static final String SINGLE_FILE = "model.safetensors";

  /** The index of a sharded model folder. */
  public static final String INDEX_FILE = "model.safetensors.index.json";

  private static final int MAX_INDEX_BYTES = 64 << 20;
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  private final StorageDirectory directory;
  private final List<SafetensorsFile> files;
  private final SortedMap<String, SafetensorsFile> fileOfTensor;
  private final SortedSet<String> names;

  private SafetensorsCheckpoint(
      StorageDirectory directory,
      List<SafetensorsFile> files,
      SortedMap<String, SafetensorsFile> fileOfTensor) {
    this.directory = directory;
    this.files = List.copyOf(files);
    this.fileOfTensor = Collections.unmodifiableSortedMap(fileOfTensor);
    this.names = Collections.unmodifiableSortedSet(new TreeSet<>(fileOfTensor.keySet()));
  }

  /** Opens the weights of a local model folder. */
  public static SafetensorsCheckpoint open(Path directory) {
    return open(StorageDirectory.local(directory));
  }

  /**
   * Opens the weights of a model folder.
   *
   * @throws ModelLoadException if the folder has neither weights file, the index is malformed or
   *     names a tensor its shard lacks, or a file cannot be read
   */
  public static SafetensorsCheckpoint open(StorageDirectory directory) {
    requireNonNull(directory, "directory is null");
    try {
      if (directory.exists(INDEX_FILE)) {
        return openSharded(directory);
      }
      if (directory.exists(SINGLE_FILE)) {
        SafetensorsFile file = SafetensorsFile.open(directory.open(SINGLE_FILE));
        SortedMap<String, SafetensorsFile> byTensor = new TreeMap<>();
        file.names().forEach(name -> byTensor.put(name, file));
        return new SafetensorsCheckpoint(directory, List.of(file), byTensor);
      }
    } catch (IOException e) {
      throw new ModelLoadException("Cannot read model weights in " + directory + ": " + e, e);
    }
    throw new ModelLoadException(
        "Cannot find model weights in "
            + directory
            + ": it has neither "
            + SINGLE_FILE
            + " nor "
            + INDEX_FILE);
  }

  private static SafetensorsCheckpoint openSharded(StorageDirectory directory) throws IOException {
    String indexLocation = directory.locationOf(INDEX_FILE);
    Map<String, String> weightMap = readWeightMap(directory, indexLocation);
    Map<String, SafetensorsFile> shards = new LinkedHashMap<>();
    try {
      SortedMap<String, SafetensorsFile> byTensor = new TreeMap<>();
      for (Map.Entry<String, String> entry : weightMap.entrySet()) {
        String shardName = entry.getValue();
        SafetensorsFile shard = shards.get(shardName);
        if (shard == null) {
          if (!directory.exists(shardName)) {
            throw new ModelLoadException(
                String.format(
                    "Invalid %s: weight_map puts tensor '%s' in %s, which does not exist",
                    indexLocation, entry.getKey(), directory.locationOf(shardName)));
          }
          shard = SafetensorsFile.open(directory.open(shardName));
          shards.put(shardName, shard);
        }
        if (shard.info(entry.getKey()).isEmpty()) {
          throw new ModelLoadException(
              String.format(
                  "Invalid %s: weight_map puts tensor '%s' in %s, which does not hold it",
                  indexLocation, entry.getKey(), shard.location()));
        }
        byTensor.put(entry.getKey(), shard);
      }
      return new SafetensorsCheckpoint(directory, new ArrayList<>(shards.values()), byTensor);
    } catch (RuntimeException | IOException e) {
      for (SafetensorsFile shard : shards.values()) {
        try {
          shard.close();
        } catch (RuntimeException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      throw e;
    }
  }

  private static Map<String, String> readWeightMap(StorageDirectory directory, String location) {
    JsonNode root;
    try {
      root = JSON.readTree(directory.readSmallFile(INDEX_FILE, MAX_INDEX_BYTES));
    } catch (IOException e) {
      throw new ModelLoadException(
          "Invalid " + location + ": not valid JSON: " + e.getMessage(), e);
    }
    JsonNode weightMap = root == null ? null : root.get("weight_map");
    if (weightMap == null || !weightMap.isObject() || weightMap.isEmpty()) {
      throw new ModelLoadException(
          "Invalid " + location + ": it has no non-empty weight_map object");
    }
    Map<String, String> result = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> entry : weightMap.properties()) {
      JsonNode file = entry.getValue();
      // Shards live beside the index; anything else could read outside the model folder.
      if (!file.isTextual()
          || file.textValue().isEmpty()
          || file.textValue().contains("/")
          || file.textValue().contains("\\")
          || file.textValue().equals("..")
          || file.textValue().equals(".")) {
        throw new ModelLoadException(
            String.format(
                "Invalid %s: weight_map entry '%s' is %s, not a file name in the model folder",
                location, entry.getKey(), file));
      }
      result.put(entry.getKey(), file.textValue());
    }
    return result;
  }

  /** The model folder. */
  public StorageDirectory directory() {
    return directory;
  }

  /** The open weight files, in index order (one file for an unsharded folder). */
  public List<SafetensorsFile> files() {
    return files;
  }

  @Override
  public SortedSet<String> names() {
    return names;
  }

  @Override
  public Optional<TensorInfo> info(String name) {
    SafetensorsFile file = fileOfTensor.get(name);
    return file == null ? Optional.empty() : file.info(name);
  }

  @Override
  public String locationOf(String name) {
    SafetensorsFile file = fileOfTensor.get(name);
    return file == null ? directory.location() : file.location();
  }

  @Override
  public NDArray read(String name, NDManager manager, DataType type) {
    SafetensorsFile file = fileOfTensor.get(name);
    if (file == null) {
      throw new ModelLoadException("Tensor '" + name + "' is not in the weights of " + directory);
    }
    return file.read(name, manager, type);
  }

  @Override
  public void close() {
    RuntimeException failure = null;
    for (SafetensorsFile file : files) {
      try {
        file.close();
      } catch (RuntimeException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }
}
