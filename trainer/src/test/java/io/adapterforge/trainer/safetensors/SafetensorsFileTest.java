package io.adapterforge.trainer.safetensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.adapterforge.trainer.ModelLoadException;
import io.adapterforge.trainer.NdManagerExtension;
import io.adapterforge.trainer.storage.StorageDirectory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@ExtendWith(NdManagerExtension.class)
class SafetensorsFileTest {
  @TempDir Path directory;

  @Test
  void readingInSmallChunksGivesTheSameTensors(NDManager manager) throws IOException {
    NDArray values = manager.randomUniform(-4, 4, new Shape(5, 7, 3));
    Path file = directory.resolve("chunks.safetensors");
    new SafetensorsWriter()
        .put("f32", values)
        .put("bf16", values, TensorDtype.BF16)
        .put("f16", values, TensorDtype.F16)
        .put("ids", manager.arange(0, 101, 1, DataType.INT64))
        .write(file);
    try (SafetensorsFile whole = SafetensorsFile.open(file);
        // 28 bytes: 7 float32, 14 half or 3 int64 elements per chunk, none dividing the sizes.
        SafetensorsFile chunked =
            SafetensorsFile.open(
                StorageDirectory.local(directory).open("chunks.safetensors"), 28)) {
      for (String name : whole.names()) {
        NDArray expected = whole.read(name, manager, DataType.FLOAT32);
        NDArray actual = chunked.read(name, manager, DataType.FLOAT32);
        assertThat(actual.getShape()).as(name).isEqualTo(expected.getShape());
        assertThat(actual.toFloatArray()).as(name).containsExactly(expected.toFloatArray());
      }
    }
  }

  @Test
  void convertsOnRead(NDManager manager) {
    NDArray values = manager.create(new float[] {0.5f, -1.75f, 3f});
    Path file = directory.resolve("convert.safetensors");
    new SafetensorsWriter().put("bf16", values, TensorDtype.BF16).put("f32", values).write(file);
    try (SafetensorsFile read = SafetensorsFile.open(file)) {
      NDArray half = read.read("bf16", manager, DataType.FLOAT16);
      assertThat(half.getDataType()).isEqualTo(DataType.FLOAT16);
      assertThat(half.toType(DataType.FLOAT32, false).toFloatArray())
          .containsExactly(0.5f, -1.75f, 3f);
      assertThat(read.read("f32", manager, DataType.FLOAT64).toDoubleArray())
          .containsExactly(0.5, -1.75, 3);
      assertThat(read.read("bf16", manager).getDataType()).isEqualTo(DataType.FLOAT32);

      assertThatThrownBy(() -> read.read("f32", manager, DataType.BFLOAT16))
          .isInstanceOf(ModelLoadException.class)
          .hasMessage(
              "Cannot read tensor 'f32' (F32) of "
                  + file
                  + " as bfloat16: DJL 0.36's PyTorch engine aborts the JVM on BFLOAT16 arrays;"
                  + " read it as FLOAT32");
      assertThatThrownBy(() -> read.read("f32", manager, DataType.INT32))
          .isInstanceOf(ModelLoadException.class)
          .hasMessageEndingWith(
              "as int32: converting floating-point values to int32 would truncate them");
      assertThatThrownBy(() -> read.read("missing", manager))
          .isInstanceOf(ModelLoadException.class)
          .hasMessage("Tensor 'missing' is not in " + file);
    }
  }

  @Test
  void readsRawBytesOfATensor(NDManager manager) {
    Path file = directory.resolve("raw.safetensors");
    new SafetensorsWriter()
        .put("first", manager.ones(new Shape(3)))
        .put("ids", manager.create(new int[] {10, 20, 30, 40}))
        .write(file);
    try (SafetensorsFile read = SafetensorsFile.open(file)) {
      ByteBuffer target = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      read.readBytes("ids", 4, target);
      assertThat(target.getInt(0)).isEqualTo(20);
      assertThat(target.getInt(4)).isEqualTo(30);

      assertThatThrownBy(() -> read.readBytes("ids", 12, ByteBuffer.allocate(8)))
          .isInstanceOf(ModelLoadException.class)
          .hasMessage("Cannot read bytes 12..20 of tensor 'ids' in " + file + ": it has 16 bytes");
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "gap between tensors|{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
            + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}|12"
            + "|tensor 'b' starts at data offset 8, but the previous tensor ends at 4 (tensors must"
            + " be contiguous)",
        "size disagrees with shape|{\"a\":{\"dtype\":\"F16\",\"shape\":[3],\"data_offsets\":[0,4]}}|4"
            + "|tensor 'a' (F16, shape (3)) needs 6 bytes but its data_offsets [0, 4] hold 4",
        "unknown dtype|{\"a\":{\"dtype\":\"F4\",\"shape\":[1],\"data_offsets\":[0,1]}}|1"
            + "|tensor 'a' has unknown dtype 'F4'",
        "trailing bytes|{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}|6"
            + "|its tensors cover 4 data bytes but the file holds 6 after the header",
        "duplicate key|{\"a\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]},"
            + "\"a\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]}}|1"
            + "|the header is not valid JSON: Duplicate field 'a'",
        "metadata value not a string|{\"__metadata__\":{\"step\":3}}|0"
            + "|__metadata__ entry 'step' is 3, not a string",
        "negative dimension|{\"a\":{\"dtype\":\"U8\",\"shape\":[-1],\"data_offsets\":[0,0]}}|0"
            + "|tensor 'a' has shape [-1] with an entry that is not a non-negative 64-bit integer",
        "not an object|[1,2]|0|the header is not a JSON object",
      })
  void rejectsInvalidHeaders(String description, String header, int dataBytes, String reason)
      throws IOException {
    Path file = directory.resolve("invalid.safetensors");
    Files.write(file, fileBytes(header.getBytes(StandardCharsets.UTF_8), dataBytes));
    assertThatThrownBy(() -> SafetensorsFile.open(file))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageStartingWith("Invalid safetensors file " + file + ": " + reason);
  }

  @Test
  void rejectsTruncatedFiles() throws IOException {
    Path tiny = directory.resolve("tiny.safetensors");
    Files.write(tiny, new byte[] {1, 2, 3});
    assertThatThrownBy(() -> SafetensorsFile.open(tiny))
        .isInstanceOf(ModelLoadException.class)
        .hasMessage(
            "Invalid safetensors file "
                + tiny
                + ": it has 3 bytes, fewer than the 8 of the header length");

    Path shortHeader = directory.resolve("short.safetensors");
    byte[] bytes = fileBytes("{}".getBytes(StandardCharsets.UTF_8), 0);
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 4000);
    Files.write(shortHeader, bytes);
    assertThatThrownBy(() -> SafetensorsFile.open(shortHeader))
        .isInstanceOf(ModelLoadException.class)
        .hasMessage(
            "Invalid safetensors file "
                + shortHeader
                + ": the header length 4000 runs past the end of the 10-byte file");

    Path huge = directory.resolve("huge.safetensors");
    ByteBuffer hugeLength = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, -1);
    Files.write(huge, hugeLength.array());
    assertThatThrownBy(() -> SafetensorsFile.open(huge))
        .isInstanceOf(ModelLoadException.class)
        .hasMessage(
            "Invalid safetensors file "
                + huge
                + ": the header length 18446744073709551615 exceeds the limit of 100000000 bytes");
  }

  /** A file of the given header (unpadded) followed by {@code dataBytes} zero bytes. */
  static byte[] fileBytes(byte[] header, int dataBytes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
    length.putLong(0, header.length);
    out.writeBytes(length.array());
    out.writeBytes(header);
    out.writeBytes(new byte[dataBytes]);
    return out.toByteArray();
  }
}
