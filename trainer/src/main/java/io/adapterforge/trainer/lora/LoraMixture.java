package io.adapterforge.trainer.lora;

import static java.util.Objects.requireNonNull;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.adapterforge.trainer.model.DecoderModel;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The naive mixture of several adapters: one adapter whose update is the mean of theirs, {@code ΔW
 * = (1/n)·Σ sᵢ·Bᵢ·Aᵢ}. It is exact, not an approximation: the mixture stacks the pairs, {@code A =
 * [A₁; …; Aₙ]} (rank Σ rᵢ) and {@code B = [s₁B₁/n, …, sₙBₙ/n]}, with scale 1, so {@code B·A} is the
 * mean of the scaled updates. A projection some adapters do not target gets zero blocks for them.
 * Used by the evaluation to show what mixing all adapters costs against switching them.
 */
public final class LoraMixture {
  private LoraMixture() {}

  /**
   * The mean of {@code adapters} as a new adapter for {@code model} (not attached), in a
   * sub-manager of {@code manager}. The adapters are left as they are.
   *
   * @throws IllegalArgumentException if {@code adapters} is empty
   */
  public static LoraAdapter average(
      DecoderModel model, List<LoraAdapter> adapters, NDManager manager) {
    requireNonNull(model, "model is null");
    requireNonNull(adapters, "adapters is null");
    requireNonNull(manager, "manager is null");
    if (adapters.isEmpty()) {
      throw new IllegalArgumentException("Cannot average no LoRA adapters");
    }
    int rank = 0;
    Set<String> modules = new LinkedHashSet<>();
    for (LoraAdapter adapter : adapters) {
      rank += adapter.settings().rank();
      modules.addAll(adapter.settings().targetModules());
    }
    LoraSettings settings = new LoraSettings(rank, rank, 0, List.copyOf(modules), false);
    LoraAdapter mixture = LoraAdapter.create(model, settings, 0, manager);
    try (NDManager scratch = manager.newSubManager()) {
      for (Map.Entry<String, NDArray> target : mixture.tensors().entrySet()) {
        String key = target.getKey();
        boolean isA = key.endsWith(".lora_A.weight");
        Shape shape = target.getValue().getShape();
        NDList blocks = new NDList();
        for (LoraAdapter adapter : adapters) {
          int r = adapter.settings().rank();
          NDArray own = adapter.tensors().get(key);
          if (own == null) {
            blocks.add(
                scratch.zeros(
                    isA ? new Shape(r, shape.get(1)) : new Shape(shape.get(0), r),
                    DataType.FLOAT32));
          } else if (isA) {
            blocks.add(own);
          } else {
            NDArray scaled = own.mul((float) (adapter.settings().scale() / adapters.size()));
            scaled.attach(scratch);
            blocks.add(scaled);
          }
        }
        NDArray stacked = NDArrays.concat(blocks, isA ? 0 : 1);
        stacked.attach(scratch);
        target.getValue().set(new NDIndex("..."), stacked);
      }
      return mixture;
    } catch (RuntimeException e) {
      mixture.close();
      throw e;
    }
  }
}
