package io.adapterforge.trainer.peft;

import static java.util.Objects.requireNonNull;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.adapterforge.trainer.ModelLoadException;
import io.adapterforge.trainer.TrainingException;
import io.adapterforge.trainer.lora.LoraAdapter;
import io.adapterforge.trainer.model.DecoderModel;
import io.adapterforge.trainer.safetensors.SafetensorsFile;
import io.adapterforge.trainer.safetensors.SafetensorsWriter;
import io.adapterforge.trainer.storage.StagingDirectory;
import io.adapterforge.trainer.storage.StorageDirectory;
import io.adapterforge.trainer.train.TrainingResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * LoRA adapters as PEFT folders (ARCHITECTURE.md, "Adapter artifact"): {@value
 * PeftAdapterConfig#FILE_NAME}, {@value #WEIGHTS_FILE} with PEFT's keys ({@code
 * base_model.model.<projection>.lora_A.weight} {@code [r, in]}, {@code lora_B.weight} {@code [out,
 * r]}, float32) and, beside them, {@value #METRICS_FILE} with the loss curve. Stateless.
 */
public final class PeftAdapter {
  /** The weights file of an adapter folder. */
  public static final String WEIGHTS_FILE = "adapter_model.safetensors";

  /** The loss curve beside the adapter (not part of PEFT's format). */
  public static final String METRICS_FILE = "metrics.json";

  private static final int MAX_CONFIG_BYTES = 1 << 20;
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private PeftAdapter() {}

  /**
   * Writes {@code adapter} as a PEFT folder at {@code directory}, with {@value #METRICS_FILE} when
   * {@code result} is given. The whole folder is written beside the target and renamed into place
   * (replacing an existing one), so readers never see a partial adapter.
   *
   * @param baseModelNameOrPath written as {@code base_model_name_or_path}
   * @throws TrainingException if the folder cannot be written
   */
  public static void write(
      Path directory, LoraAdapter adapter, String baseModelNameOrPath, TrainingResult result) {
    requireNonNull(directory, "directory is null");
    requireNonNull(adapter, "adapter is null");
    requireNonNull(baseModelNameOrPath, "baseModelNameOrPath is null");
    PeftAdapterConfig config = new PeftAdapterConfig(adapter.settings(), baseModelNameOrPath);
    try (StagingDirectory staging = StagingDirectory.beside(directory)) {
      staging.write(PeftAdapterConfig.FILE_NAME, config.toJson().getBytes(StandardCharsets.UTF_8));
      SafetensorsWriter weights = new SafetensorsWriter();
      adapter.tensors().forEach(weights::put);
      weights.write(staging.path().resolve(WEIGHTS_FILE));
      if (result != null) {
        staging.write(METRICS_FILE, JSON.writeValueAsBytes(result.toJsonFields()));
      }
      staging.commit(true);
    } catch (JsonProcessingException e) {
      throw new TrainingException("Cannot encode " + METRICS_FILE + ": " + e, e);
    }
  }

  /**
   * Reads the {@value PeftAdapterConfig#FILE_NAME} of an adapter folder.
   *
   * @throws ModelLoadException if it is missing, malformed or unsupported
   */
  public static PeftAdapterConfig readConfig(StorageDirectory directory) {
    requireNonNull(directory, "directory is null");
    try {
      if (!directory.exists(PeftAdapterConfig.FILE_NAME)) {
        throw new ModelLoadException(
            "Cannot load a PEFT adapter from "
                + directory.location()
                + ": it has no "
                + PeftAdapterConfig.FILE_NAME);
      }
    } catch (IOException e) {
      throw new ModelLoadException("Cannot read " + directory.location() + ": " + e, e);
    }
    return PeftAdapterConfig.parse(
        directory.readSmallFile(PeftAdapterConfig.FILE_NAME, MAX_CONFIG_BYTES),
        directory.locationOf(PeftAdapterConfig.FILE_NAME));
  }

  /** Opens the weights file of an adapter folder. */
  public static SafetensorsFile openWeights(StorageDirectory directory) {
    requireNonNull(directory, "directory is null");
    try {
      if (!directory.exists(WEIGHTS_FILE)) {
        throw new ModelLoadException(
            "Cannot load a PEFT adapter from "
                + directory.location()
                + ": it has no "
                + WEIGHTS_FILE
                + (directory.exists("adapter_model.bin")
                    ? " (adapter_model.bin, a pickle, is not read; save with safetensors)"
                    : ""));
      }
      return SafetensorsFile.open(directory.open(WEIGHTS_FILE));
    } catch (IOException e) {
      throw new ModelLoadException(
          "Cannot open " + directory.locationOf(WEIGHTS_FILE) + ": " + e, e);
    }
  }

  /**
   * Loads a PEFT folder as an adapter for {@code model} (not attached), in a sub-manager of {@code
   * manager}.
   *
   * @throws ModelLoadException naming the file and key when the folder is unsupported or does not
   *     fit the model (a missing, extra or misshapen tensor)
   */
  public static LoraAdapter load(
      StorageDirectory directory, DecoderModel model, NDManager manager) {
    PeftAdapterConfig config = readConfig(directory);
    LoraAdapter adapter;
    try {
      adapter = LoraAdapter.create(model, config.settings(), 0, manager);
    } catch (IllegalArgumentException e) {
      throw new ModelLoadException(
          "Cannot load " + directory.location() + " for " + model + ": " + e.getMessage(), e);
    }
    try (SafetensorsFile weights = openWeights(directory)) {
      adapter.load(weights);
      return adapter;
    } catch (RuntimeException e) {
      adapter.close();
      throw e;
    }
  }
}
