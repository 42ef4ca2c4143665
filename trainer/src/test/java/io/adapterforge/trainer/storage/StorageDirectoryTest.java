package io.adapterforge.trainer.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.adapterforge.trainer.ModelLoadException;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StorageDirectoryTest {
  @TempDir Path directory;

  @Test
  void opensPathsAndFileUrisLocally() throws IOException {
    Files.writeString(directory.resolve("config.json"), "{}");
    StorageDirectory byPath = StorageDirectory.of(directory.toString());
    StorageDirectory byUri = StorageDirectory.of(directory.toUri().toString());
    assertThat(byPath).isInstanceOf(LocalDirectory.class);
    assertThat(byUri).isInstanceOf(LocalDirectory.class);
    assertThat(byUri.exists("config.json")).isTrue();
    assertThat(byUri.exists("missing.json")).isFalse();
    assertThat(new String(byPath.readSmallFile("config.json", 10), StandardCharsets.UTF_8))
        .isEqualTo("{}");
  }

  @Test
  void opensOtherSchemesThroughHadoop() {
    assertThatThrownBy(() -> StorageDirectory.of("nosuchfs://host/models/llama"))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageStartingWith(
            "Cannot open nosuchfs://host/models/llama through Hadoop's FileSystem: ");
  }

  @Test
  void readsAtPositionsWithHadoopAndLocally() throws IOException {
    byte[] content = new byte[1000];
    for (int i = 0; i < content.length; i++) {
      content[i] = (byte) (i * 7);
    }
    Files.write(directory.resolve("data.bin"), content);
    for (StorageDirectory storage :
        new StorageDirectory[] {
          StorageDirectory.local(directory),
          HadoopDirectory.open(directory.toUri(), new Configuration())
        }) {
      assertThat(storage.exists("data.bin")).isTrue();
      try (ByteSource source = storage.open("data.bin")) {
        assertThat(source.size()).isEqualTo(1000);
        ByteBuffer middle = ByteBuffer.allocate(10);
        source.readFully(500, middle);
        assertThat(middle.position()).isEqualTo(10);
        for (int i = 0; i < 10; i++) {
          assertThat(middle.get(i)).isEqualTo(content[500 + i]);
        }
        assertThatThrownBy(() -> source.readFully(995, ByteBuffer.allocate(10)))
            .isInstanceOf(EOFException.class);
      }
    }
  }

  @Test
  void refusesSmallFilesThatAreLarge() throws IOException {
    Files.write(directory.resolve("config.json"), new byte[100]);
    assertThatThrownBy(() -> StorageDirectory.local(directory).readSmallFile("config.json", 64))
        .isInstanceOf(ModelLoadException.class)
        .hasMessage(
            "Cannot read "
                + directory.resolve("config.json")
                + ": it has 100 bytes, more than the 64 expected of this file");
  }
}
