package io.adapterforge.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
  @TempDir Path temp;

  @Test
  void replacesTheFileAndLeavesNoTemporaryBehind() throws IOException {
    Path target = temp.resolve("a/b/gate.json");
    AtomicFiles.write(target, "first");
    AtomicFiles.write(target, "second ✓");

    assertThat(Files.readString(target, StandardCharsets.UTF_8)).isEqualTo("second ✓");
    try (var files = Files.list(target.getParent())) {
      assertThat(files).containsExactly(target);
    }
  }

  @Test
  void namesTheFileItCannotWriteAndKeepsTheOldContent() throws IOException {
    Path target = temp.resolve("report.json");
    AtomicFiles.write(target, "old");
    // A folder where the temporary file must go makes the write fail.
    Files.createDirectories(temp.resolve("report.json.tmp/x"));

    assertThatThrownBy(() -> AtomicFiles.write(target, "new"))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageStartingWith("Cannot write " + target);
    assertThat(Files.readString(target)).isEqualTo("old");
  }
}
