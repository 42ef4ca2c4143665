package io.adapterforge.trainer.safetensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.adapterforge.trainer.NdManagerExtension;
import io.adapterforge.trainer.ReferenceModels;
import io.adapterforge.trainer.TrainingException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Tensors copied byte for byte from another file, and tensors computed while writing. */
@ExtendWith(NdManagerExtension.class)
class SafetensorsWriterSourcesTest {
  @TempDir Path directory;

  @Test
  void copiesTensorsUnchangedInChunks(NDManager manager) {
    Path source = ReferenceModels.model("qwen3").resolve("model.safetensors");
    Path target = directory.resolve("copy.safetensors");
    try (SafetensorsFile file = SafetensorsFile.open(source)) {
      // 64-byte chunks: every tensor takes several.
      SafetensorsWriter writer = new SafetensorsWriter(64);
      file.names().forEach(name -> writer.putCopy(name, file, name));
      writer.write(target);
      try (SafetensorsFile copy = SafetensorsFile.open(target)) {
        assertThat(copy.names()).isEqualTo(file.names());
        for (String name : file.names()) {
          assertThat(copy.info(name).orElseThrow().dtype()).isEqualTo(TensorDtype.BF16);
          assertThat(bytes(copy, name)).as(name).isEqualTo(bytes(file, name));
        }
      }
    }
  }

  @Test
  void computesEachTensorOnlyWhenWritingItAndFreesIt(NDManager manager) {
    List<NDArray> produced = new ArrayList<>();
    SafetensorsWriter writer = new SafetensorsWriter();
    for (int i = 0; i < 3; i++) {
      float value = i;
      writer.putComputed(
          "t" + i,
          TensorDtype.F16,
          new Shape(2, 3),
          manager,
          scope -> {
            NDArray array = scope.full(new Shape(2, 3), value, DataType.FLOAT32);
            produced.add(array);
            return array;
          });
    }
    assertThat(produced).isEmpty();
    Path file = directory.resolve("computed.safetensors");

    writer.write(file);

    assertThat(produced).hasSize(3);
    assertThat(manager.getManagedArrays()).isEmpty();
    try (SafetensorsFile read = SafetensorsFile.open(file)) {
      assertThat(read.info("t2").orElseThrow().dtype()).isEqualTo(TensorDtype.F16);
      assertThat(read.read("t2", manager, DataType.FLOAT32).toFloatArray()).containsOnly(2f);
    }
  }

  @Test
  void refusesAComputedArrayOfAnotherShape(NDManager manager) {
    SafetensorsWriter writer =
        new SafetensorsWriter()
            .putComputed(
                "wrong",
                TensorDtype.F32,
                new Shape(2),
                manager,
                scope -> scope.zeros(new Shape(3)));
    Path file = directory.resolve("wrong.safetensors");
    assertThatThrownBy(() -> writer.write(file))
        .isInstanceOf(TrainingException.class)
        .hasMessageContaining(
            "Cannot write tensor 'wrong': it was declared (2) but computed as (3)");
    assertThat(file).doesNotExist();
  }

  private static byte[] bytes(SafetensorsFile file, String name) {
    ByteBuffer buffer = ByteBuffer.allocate((int) file.info(name).orElseThrow().byteSize());
    file.readBytes(name, 0, buffer);
    return buffer.array();
  }
}
