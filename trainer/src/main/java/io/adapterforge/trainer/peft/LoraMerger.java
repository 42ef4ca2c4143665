package io.adapterforge.trainer.peft;

import static java.util.Objects.requireNonNull;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.adapterforge.trainer.ModelLoadException;
import io.adapterforge.trainer.TrainingException;
import io.adapterforge.trainer.model.ModelConfig;
import io.adapterforge.trainer.safetensors.SafetensorsCheckpoint;
import io.adapterforge.trainer.safetensors.SafetensorsFile;
import io.adapterforge.trainer.safetensors.SafetensorsWriter;
import io.adapterforge.trainer.safetensors.TensorInfo;
import io.adapterforge.trainer.storage.StagingDirectory;
import io.adapterforge.trainer.storage.StorageDirectory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Merges a PEFT LoRA adapter into its base model: every adapted projection's weight becomes {@code
 * W + scale·(B·A)} (PEFT's {@code merge_and_unload}), computed in float32 from the stored weight
 * and written back in the weight's own dtype (rounded once; PEFT on a bfloat16 model rounds the
 * delta and the sum separately, so a bfloat16 merge may differ from PEFT's by one bfloat16 ulp).
 *
 * <p>The output folder has the base's layout: the same weight files (one {@code model.safetensors}
 * or the same shards with the same index), every other tensor copied byte for byte, in chunks, so
 * memory holds one merged tensor at a time; {@code config.json}, generation config and tokenizer
 * files are copied unchanged. The folder is written beside the target and renamed into place.
 * Stateless.
 */
public final class LoraMerger {
  /** Files copied from the base folder when present ({@code config.json} must be). */
  static final List<String> COPIED_FILES =
      List.of(
          ModelConfig.FILE_NAME,
          "generation_config.json",
          "tokenizer.json",
          "tokenizer_config.json",
          "special_tokens_map.json",
          "tokenizer.model",
          "added_tokens.json",
          "vocab.json",
          "merges.txt",
          "chat_template.jinja",
          "chat_template.json");

  private static final Pattern LORA_KEY =
      Pattern.compile("base_model\\.model\\.(.+)\\.lora_([AB])\\.weight");
  private static final int MAX_INDEX_BYTES = 64 << 20;
  private static final ObjectMapper JSON = new ObjectMapper();

  private LoraMerger() {}

  /**
   * Writes the merged model to {@code output}, which must not exist or be an empty folder.
   *
   * @param manager parent of the scratch managers the merge computes in
   * @return the number of merged weight tensors
   * @throws ModelLoadException naming the file and tensor when the base or the adapter cannot be
   *     read or do not fit together
   * @throws TrainingException if the output cannot be written
   */
  public static int merge(
      StorageDirectory baseModel, StorageDirectory adapter, Path output, NDManager manager) {
    requireNonNull(baseModel, "baseModel is null");
    requireNonNull(adapter, "adapter is null");
    requireNonNull(output, "output is null");
    requireNonNull(manager, "manager is null");
    PeftAdapterConfig config = PeftAdapter.readConfig(adapter);
    float scale = (float) config.settings().scale();
    requireFile(baseModel, ModelConfig.FILE_NAME);
    try (SafetensorsFile adapterWeights = PeftAdapter.openWeights(adapter);
        SafetensorsCheckpoint base = SafetensorsCheckpoint.open(baseModel);
        StagingDirectory staging = StagingDirectory.beside(output)) {
      Map<String, String[]> pairs = pairs(adapterWeights, config.settings().rank());
      for (Map.Entry<String, String[]> pair : pairs.entrySet()) {
        checkShapes(pair.getKey() + ".weight", pair.getValue(), base, adapterWeights);
      }
      List<String> files = weightFiles(baseModel);
      for (String file : files) {
        try (SafetensorsFile source = SafetensorsFile.open(baseModel.open(file))) {
          SafetensorsWriter writer = new SafetensorsWriter();
          source.metadata().forEach(writer::putMetadata);
          for (String name : source.names()) {
            String module = name.endsWith(".weight") ? name.substring(0, name.length() - 7) : null;
            String[] pair = module == null ? null : pairs.get(module);
            if (pair == null) {
              writer.putCopy(name, source, name);
              continue;
            }
            TensorInfo info = source.info(name).orElseThrow();
            writer.putComputed(
                name,
                info.dtype(),
                info.shape(),
                manager,
                scope -> {
                  NDArray weight = source.read(name, scope, DataType.FLOAT32);
                  NDArray a = adapterWeights.read(pair[0], scope, DataType.FLOAT32);
                  NDArray b = adapterWeights.read(pair[1], scope, DataType.FLOAT32);
                  return weight.add(b.matMul(a).mul(scale));
                });
          }
          writer.write(staging.path().resolve(file));
        }
      }
      if (baseModel.exists(SafetensorsCheckpoint.INDEX_FILE)) {
        staging.copy(baseModel, SafetensorsCheckpoint.INDEX_FILE);
      }
      for (String name : COPIED_FILES) {
        if (baseModel.exists(name)) {
          staging.copy(baseModel, name);
        }
      }
      staging.commit(false);
      return pairs.size();
    } catch (IOException e) {
      throw new ModelLoadException("Cannot read " + baseModel.location() + ": " + e, e);
    }
  }

  /** Module path → {A key, B key}, checking that every tensor is half of a pair of rank r. */
  private static Map<String, String[]> pairs(SafetensorsFile adapter, int rank) {
    Map<String, String[]> pairs = new TreeMap<>();
    for (String name : adapter.names()) {
      Matcher matcher = LORA_KEY.matcher(name);
      if (!matcher.matches()) {
        throw new ModelLoadException(
            String.format(
                "Cannot merge %s: tensor '%s' is not a LoRA weight"
                    + " (base_model.model.<module>.lora_A.weight or lora_B.weight)",
                adapter.location(), name));
      }
      String[] pair = pairs.computeIfAbsent(matcher.group(1), key -> new String[2]);
      pair[matcher.group(2).equals("A") ? 0 : 1] = name;
    }
    for (Map.Entry<String, String[]> pair : pairs.entrySet()) {
      for (int half = 0; half < 2; half++) {
        if (pair.getValue()[half] == null) {
          throw new ModelLoadException(
              String.format(
                  "Cannot merge %s: %s has lora_%s.weight but no lora_%s.weight",
                  adapter.location(), pair.getKey(), half == 0 ? "B" : "A", half == 0 ? "A" : "B"));
        }
      }
      Shape a = adapter.info(pair.getValue()[0]).orElseThrow().shape();
      if (a.dimension() != 2 || a.get(0) != rank) {
        throw new ModelLoadException(
            String.format(
                "Cannot merge %s: tensor '%s' has shape %s, not [r=%d, in_features]",
                adapter.location(), pair.getValue()[0], a, rank));
      }
    }
    if (pairs.isEmpty()) {
      throw new ModelLoadException(
          "Cannot merge " + adapter.location() + ": it has no LoRA weights");
    }
    return pairs;
  }

  private static void checkShapes(
      String weightName, String[] pair, SafetensorsCheckpoint base, SafetensorsFile adapter) {
    TensorInfo weight =
        base.info(weightName)
            .orElseThrow(
                () ->
                    new ModelLoadException(
                        String.format(
                            "Cannot merge %s into %s: the base model has no tensor '%s'",
                            adapter.location(), base.directory().location(), weightName)));
    Shape a = adapter.info(pair[0]).orElseThrow().shape();
    Shape b = adapter.info(pair[1]).orElseThrow().shape();
    Shape w = weight.shape();
    boolean fits =
        w.dimension() == 2
            && b.dimension() == 2
            && a.get(1) == w.get(1)
            && b.get(0) == w.get(0)
            && b.get(1) == a.get(0);
    if (!fits || !weight.dtype().isFloatingPoint()) {
      throw new ModelLoadException(
          String.format(
              "Cannot merge %s into %s: '%s' is %s %s, which lora_A %s and lora_B %s do not fit",
              adapter.location(),
              base.directory().location(),
              weightName,
              weight.dtype(),
              w,
              a,
              b));
    }
  }

  /** The weight files of the base folder: its one file, or the shards its index names. */
  private static List<String> weightFiles(StorageDirectory baseModel) throws IOException {
    if (!baseModel.exists(SafetensorsCheckpoint.INDEX_FILE)) {
      return List.of(SafetensorsCheckpoint.SINGLE_FILE);
    }
    JsonNode map =
        JSON.readTree(baseModel.readSmallFile(SafetensorsCheckpoint.INDEX_FILE, MAX_INDEX_BYTES))
            .get("weight_map");
    // SafetensorsCheckpoint.open has validated the index (names are files of the folder).
    TreeSet<String> files = new TreeSet<>();
    for (Map.Entry<String, JsonNode> entry : map.properties()) {
      files.add(entry.getValue().textValue());
    }
    return new ArrayList<>(files);
  }

  private static void requireFile(StorageDirectory directory, String name) {
    try {
      if (!directory.exists(name)) {
        throw new ModelLoadException(
            "Cannot merge into " + directory.location() + ": it has no " + name);
      }
    } catch (IOException e) {
      throw new ModelLoadException("Cannot read " + directory.locationOf(name) + ": " + e, e);
    }
  }
}
