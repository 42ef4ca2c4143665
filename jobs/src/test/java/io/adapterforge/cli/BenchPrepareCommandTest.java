package io.adapterforge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code bench prepare}'s options; the whole benchmark runs in {@code LauncherIT}. */
class BenchPrepareCommandTest {
  @TempDir Path temp;

  @ParameterizedTest
  @ValueSource(strings = {"--job-only", "--corpus", "--output", "--job-only --corpus"})
  void theJobOnlyRunsOptionsGoTogether(String options) {
    List<String> args = new ArrayList<>(List.of("bench", "prepare"));
    for (String option : options.split(" ")) {
      args.add(option);
      if (!option.equals("--job-only")) {
        args.add(temp.resolve(option.substring(2)).toString());
      }
    }
    args.addAll(List.of("--tokenizer", temp.toString()));

    AdapterforgeCliTest.Result result = AdapterforgeCliTest.run(args.toArray(String[]::new));

    assertThat(result.exitCode()).as(result.err()).isEqualTo(2);
    assertThat(result.err()).contains("--job-only, --corpus and --output go together");
  }

  @Test
  void theSecondRunMapsTheClassDataArchiveButNeverWritesThisRunsOne() {
    List<String> flags =
        List.of(
            "-Xmx2g",
            "-XX:+UseParallelGC",
            "-XX:ArchiveClassesAtExit=/work/jobs/target/cds/bench-prepare.jsa.41.tmp",
            "-XX:SharedArchiveFile=/work/jobs/target/cds/other.jsa",
            "-Xlog:cds=off,cds+dynamic=off");

    assertThat(BenchCommand.Prepare.freshJvmFlags(flags))
        .containsExactly(
            "-Xmx2g",
            "-XX:+UseParallelGC",
            "-XX:SharedArchiveFile=/work/jobs/target/cds/other.jsa",
            "-Xlog:cds=off,cds+dynamic=off");
  }
}
