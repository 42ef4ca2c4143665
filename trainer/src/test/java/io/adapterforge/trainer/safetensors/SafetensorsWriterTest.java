package io.adapterforge.trainer.safetensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.adapterforge.trainer.NdManagerExtension;
import io.adapterforge.trainer.TrainingException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(NdManagerExtension.class)
class SafetensorsWriterTest {
  @TempDir Path directory;

  @Test
  void roundTripKeepsNamesShapesTypesAndValues(NDManager manager) {
    NDArray matrix = manager.randomNormal(new Shape(3, 5));
    NDArray halves = manager.create(new float[] {-2f, 0.5f, 1.25f}).toType(DataType.FLOAT16, false);
    NDArray ids = manager.create(new long[] {Long.MIN_VALUE, -1, 0, Long.MAX_VALUE});
    NDArray counts = manager.create(new int[] {7, -7});
    NDArray scalar = manager.create(3.5f);
    NDArray empty = manager.zeros(new Shape(0, 4));
    NDArray forBf16 = manager.create(new float[] {-0.75f, 1f / 3f, 65504f, 1e-3f});
    Path file = directory.resolve("all.safetensors");

    new SafetensorsWriter()
        .put("model.matrix", matrix)
        .put("halves", halves)
        .put("ids", ids)
        .put("counts", counts)
        .put("scalar", scalar)
        .put("empty", empty)
        .put("narrowed", forBf16, TensorDtype.BF16)
        .putMetadata("origin", "test")
        .write(file);

    try (SafetensorsFile read = SafetensorsFile.open(file)) {
      assertThat(read.names())
          .containsExactly(
              "counts", "empty", "halves", "ids", "model.matrix", "narrowed", "scalar");
      assertThat(read.metadata()).containsEntry("format", "pt").containsEntry("origin", "test");
      assertThat(read.info("narrowed").orElseThrow().dtype()).isEqualTo(TensorDtype.BF16);
      assertThat(read.read("model.matrix", manager).toFloatArray())
          .containsExactly(matrix.toFloatArray());
      NDArray readHalves = read.read("halves", manager);
      assertThat(readHalves.getDataType()).isEqualTo(DataType.FLOAT16);
      assertThat(readHalves.toType(DataType.FLOAT32, false).toFloatArray())
          .containsExactly(-2f, 0.5f, 1.25f);
      assertThat(read.read("ids", manager).toLongArray()).containsExactly(ids.toLongArray());
      assertThat(read.read("counts", manager).toIntArray()).containsExactly(7, -7);
      NDArray readScalar = read.read("scalar", manager);
      assertThat(readScalar.getShape()).isEqualTo(new Shape());
      assertThat(readScalar.getFloat()).isEqualTo(3.5f);
      assertThat(read.read("empty", manager).getShape()).isEqualTo(new Shape(0, 4));
      float[] narrowed = read.read("narrowed", manager).toFloatArray();
      float[] original = forBf16.toFloatArray();
      for (int i = 0; i < original.length; i++) {
        // bfloat16 keeps 8 significant bits: the relative error is at most 2^-9.
        assertThat(Math.abs(narrowed[i] - original[i]))
            .isLessThanOrEqualTo(Math.abs(original[i]) / 512);
        assertThat(Float.floatToRawIntBits(narrowed[i]) & 0xFFFF).isZero();
      }
    }
  }

  @Test
  void headerIsLaidOutAsTheReferenceLibraryLaysItOut(NDManager manager) throws IOException {
    SafetensorsWriter writer =
        new SafetensorsWriter()
            .put("b", manager.ones(new Shape(2)))
            .put("a", manager.ones(new Shape(3)))
            .put("z.half", manager.ones(new Shape(1)).toType(DataType.FLOAT16, false))
            .put("ids", manager.create(new long[] {1}))
            .put("x.bf", manager.ones(new Shape(2)), TensorDtype.BF16);
    byte[] bytes = bytesOf(writer);
    ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    long headerLength = buffer.getLong(0);
    assertThat(headerLength % 8).isZero();
    String header = new String(bytes, 8, (int) headerLength, StandardCharsets.UTF_8);
    assertThat(header).doesNotContain("\n").startsWith("{\"__metadata__\":{\"format\":\"pt\"},");
    String json = header.stripTrailing();
    assertThat(header.substring(json.length())).matches(" {0,7}");
    assertThat(json).contains("\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[8,20]}");

    JsonNode root = new ObjectMapper().readTree(json);
    List<String> keys = new ArrayList<>();
    root.fieldNames().forEachRemaining(keys::add);
    // Descending alignment (I64, F32, BF16, F16), then by name.
    assertThat(keys).containsExactly("__metadata__", "ids", "a", "b", "x.bf", "z.half");
    long position = 0;
    for (String key : keys.subList(1, keys.size())) {
      JsonNode offsets = root.get(key).get("data_offsets");
      assertThat(offsets.get(0).longValue()).as(key).isEqualTo(position);
      position = offsets.get(1).longValue();
    }
    assertThat(bytes.length).isEqualTo(8 + headerLength + position);
  }

  @Test
  void chunkedWritingProducesTheSameBytes(NDManager manager) throws IOException {
    NDArray values = manager.randomUniform(-3, 3, new Shape(7, 11));
    NDArray ids = manager.arange(0, 29, 1, DataType.INT64);
    byte[] whole =
        bytesOf(
            new SafetensorsWriter()
                .put("w", values)
                .put("bf", values, TensorDtype.BF16)
                .put("h", values, TensorDtype.F16)
                .put("ids", ids));
    byte[] chunked =
        bytesOf(
            new SafetensorsWriter(12)
                .put("w", values)
                .put("bf", values, TensorDtype.BF16)
                .put("h", values, TensorDtype.F16)
                .put("ids", ids));
    assertThat(chunked).isEqualTo(whole);
  }

  @Test
  void replacesAnExistingFileAndLeavesNoTemporaryFile(NDManager manager) throws IOException {
    Path file = directory.resolve("weights.safetensors");
    new SafetensorsWriter().put("v", manager.ones(new Shape(2))).write(file);
    new SafetensorsWriter().put("v", manager.zeros(new Shape(3))).write(file);

    try (SafetensorsFile read = SafetensorsFile.open(file)) {
      assertThat(read.read("v", manager).toFloatArray()).containsExactly(0f, 0f, 0f);
    }
    try (Stream<Path> files = Files.list(directory)) {
      assertThat(files).containsExactly(file);
    }
  }

  @Test
  void failedWriteKeepsThePreviousFileAndCleansUp(NDManager manager) throws IOException {
    Path file = directory.resolve("weights.safetensors");
    new SafetensorsWriter().put("v", manager.ones(new Shape(2))).write(file);
    byte[] before = Files.readAllBytes(file);
    NDArray closed = manager.ones(new Shape(4));
    SafetensorsWriter writer = new SafetensorsWriter().put("v", closed);
    closed.close();

    assertThatThrownBy(() -> writer.write(file))
        .isInstanceOf(TrainingException.class)
        .hasMessageContaining("Cannot write safetensors file " + file);
    assertThat(Files.readAllBytes(file)).isEqualTo(before);
    try (Stream<Path> files = Files.list(directory)) {
      assertThat(files).containsExactly(file);
    }
  }

  @Test
  void refusesDuplicateAndReservedNames(NDManager manager) {
    SafetensorsWriter writer = new SafetensorsWriter().put("w", manager.ones(new Shape(1)));
    assertThatThrownBy(() -> writer.put("w", manager.ones(new Shape(1))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot add tensor 'w' twice");
    assertThatThrownBy(() -> writer.put("__metadata__", manager.ones(new Shape(1))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot name a tensor __metadata__: the key is reserved");
    assertThatThrownBy(() -> writer.put("u", manager.ones(new Shape(1)), TensorDtype.U32))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot write tensor 'u' as U32: DJL has no such type");
  }

  static byte[] bytesOf(SafetensorsWriter writer) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    writer.write(Channels.newChannel(out));
    return out.toByteArray();
  }
}
