package io.adapterforge.trainer.storage;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.adapterforge.trainer.TrainingException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StagingDirectoryTest {
  @TempDir Path directory;

  @Test
  void theFolderAppearsCompleteOnCommit() throws IOException {
    Path target = directory.resolve("a/b/model");
    try (StagingDirectory staging = StagingDirectory.beside(target)) {
      staging.write("config.json", "{}".getBytes(UTF_8));
      Files.writeString(directory.resolve("source.txt"), "tokens");
      staging.copy(StorageDirectory.local(directory), "source.txt");
      assertThat(target).doesNotExist();
      assertThat(staging.path().getParent()).isEqualTo(target.getParent());
      assertThat(staging.path().getFileName().toString()).startsWith(".model.").endsWith(".tmp");
      staging.commit(false);
    }
    assertThat(target.resolve("config.json")).hasContent("{}");
    assertThat(target.resolve("source.txt")).hasContent("tokens");
    assertThat(names(target.getParent())).containsExactly("model");
  }

  @Test
  void anAbandonedFolderIsDeleted() throws IOException {
    Path target = directory.resolve("model");
    try (StagingDirectory staging = StagingDirectory.beside(target)) {
      staging.write("half.bin", new byte[10]);
    }
    assertThat(names(directory)).isEmpty();
  }

  @Test
  void replacesOrRefusesAnExistingFolder() throws IOException {
    Path target = Files.createDirectories(directory.resolve("model"));
    Files.writeString(target.resolve("old.txt"), "old");
    try (StagingDirectory staging = StagingDirectory.beside(target)) {
      staging.write("new.txt", "new".getBytes(UTF_8));
      assertThatThrownBy(() -> staging.commit(false))
          .isInstanceOf(TrainingException.class)
          .hasMessage("Cannot write " + target + ": it exists and is not an empty folder");
      staging.commit(true);
    }
    assertThat(names(target)).containsExactly("new.txt");
    assertThat(names(directory)).containsExactly("model");

    Path empty = Files.createDirectories(directory.resolve("empty"));
    try (StagingDirectory staging = StagingDirectory.beside(empty)) {
      staging.write("x", new byte[1]);
      staging.commit(false);
    }
    assertThat(names(empty)).containsExactly("x");
  }

  private static java.util.List<String> names(Path folder) throws IOException {
    try (Stream<Path> entries = Files.list(folder)) {
      return entries
          .map(path -> path.getFileName().toString())
          .sorted()
          .collect(Collectors.toList());
    }
  }
}
