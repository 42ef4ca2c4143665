package io.adapterforge.trainer.safetensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.NDManager;
import io.adapterforge.trainer.storage.HadoopDirectory;
import io.adapterforge.trainer.storage.StorageDirectory;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Offsets past 2 GiB, without 2 GiB of disk: a sparse file whose first tensor is a 2 GiB hole and
 * whose second tensor, the only data written, lies beyond it.
 */
class LargeFileTest {
  private static final long BIG_ELEMENTS = (1L << 29) + 2; // 2^31 + 8 bytes of float32
  private static final float[] TAIL = {1.5f, -2.25f, 3.125f, 1e-7f};

  @TempDir static Path directory;
  private static Path file;

  @BeforeAll
  static void writeSparseFile() throws IOException {
    // If the file system cannot make holes, the file takes its full size; require room for that.
    long usable = Files.getFileStore(directory).getUsableSpace();
    assumeTrue(
        usable > (3L << 30),
        "Assumes 3 GiB free beside the temporary folder in case holes are not supported; "
            + usable
            + " bytes are free");
    long bigBytes = BIG_ELEMENTS * 4;
    String header =
        String.format(
            "{\"big\":{\"dtype\":\"F32\",\"shape\":[%d],\"data_offsets\":[0,%d]},"
                + "\"tail\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[%d,%d]}}",
            BIG_ELEMENTS, bigBytes, bigBytes, bigBytes + 16);
    byte[] headerBytes = header.getBytes(StandardCharsets.UTF_8);
    file = directory.resolve("sparse.safetensors");
    try (FileChannel channel =
        FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      ByteBuffer start = ByteBuffer.allocate(8 + headerBytes.length).order(ByteOrder.LITTLE_ENDIAN);
      start.putLong(headerBytes.length).put(headerBytes).flip();
      channel.write(start, 0);
      ByteBuffer tail = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
      for (float value : TAIL) {
        tail.putFloat(value);
      }
      tail.flip();
      channel.write(tail, 8 + headerBytes.length + bigBytes);
    }
  }

  @Test
  void readsATensorStoredBeyondTwoGibibytes() {
    try (NDManager manager = NDManager.newBaseManager();
        SafetensorsFile sparse = SafetensorsFile.open(file)) {
      TensorInfo big = sparse.info("big").orElseThrow();
      assertThat(big.byteSize()).isGreaterThan(Integer.MAX_VALUE);
      assertThat(sparse.header().dataOffset() + sparse.info("tail").orElseThrow().begin())
          .isGreaterThan(1L << 31);
      assertThat(sparse.read("tail", manager).toFloatArray()).containsExactly(TAIL);

      // Bytes straddling the 2^31 boundary inside the big tensor (a hole: zeros).
      ByteBuffer straddle = ByteBuffer.allocate(40); // up to the tensor's last byte
      sparse.readBytes("big", (1L << 31) - 32, straddle);
      assertThat(straddle.array()).containsOnly(0);
    }
  }

  @Test
  void readsBeyondTwoGibibytesThroughHadoop() throws IOException {
    StorageDirectory hadoop = HadoopDirectory.open(directory.toUri(), new Configuration());
    try (NDManager manager = NDManager.newBaseManager();
        SafetensorsFile sparse = SafetensorsFile.open(hadoop.open("sparse.safetensors"))) {
      assertThat(sparse.read("tail", manager).toFloatArray()).containsExactly(TAIL);
    }
  }
}
