package io.adapterforge.train;

import static java.util.Objects.requireNonNull;

import java.io.Serializable;
import java.util.List;

/**
 * Everything one slot's task needs: its adapters in training order and where things are.
 * Serializable; holds no data rows, only paths.
 *
 * @param slot the slot index (= the partition index)
 * @param adapters the slot's adapters, in training order
 * @param runId the run id that keys checkpoints and finished markers
 * @param prepared the prepared dataset root (local path or Hadoop URI)
 * @param baseModel the base model folder (local path or Hadoop URI)
 * @param baseModelFingerprint identifies the base model's content for the per-JVM cache
 * @param output the local output folder (shared by every executor: one machine or a shared mount)
 * @param settings run-wide settings
 */
public record SlotWork(
    int slot,
    List<AdapterSpec> adapters,
    String runId,
    String prepared,
    String baseModel,
    String baseModelFingerprint,
    String output,
    TrainSettings settings)
    implements Serializable {
  public SlotWork {
    adapters = List.copyOf(requireNonNull(adapters, "adapters is null"));
    requireNonNull(runId, "runId is null");
    requireNonNull(prepared, "prepared is null");
    requireNonNull(baseModel, "baseModel is null");
    requireNonNull(baseModelFingerprint, "baseModelFingerprint is null");
    requireNonNull(output, "output is null");
    requireNonNull(settings, "settings is null");
  }
}
