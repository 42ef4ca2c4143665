package io.adapterforge.airflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@code airflow/tests/check_dag.py} (python3, standard library only; Airflow is not installed
 * here) on the nightly DAG, and on broken copies of it to prove the checker can fail.
 */
class AdapterRetrainingDagTest {
  private static final Path ROOT = repositoryRoot();
  private static final Path DAG = ROOT.resolve("airflow/dags/adapter_retraining.py");
  private static final Path CHECKER = ROOT.resolve("airflow/tests/check_dag.py");

  @TempDir Path temp;

  @Test
  void theDagCompilesAndChainsFourSparkSubmitTasks() throws Exception {
    Checked checked = check(DAG);

    assertThat(checked.exitCode).as(checked.output).isZero();
    assertThat(checked.output)
        .startsWith("OK: ")
        .contains("prepare >> train >> evaluate >> publish");
  }

  @Test
  void failsWhenTheTasksAreReordered() throws Exception {
    Checked checked =
        checkCopy(
            "prepare >> train >> evaluate >> publish", "prepare >> evaluate >> train >> publish");

    assertThat(checked.exitCode).isEqualTo(1);
    assertThat(checked.output)
        .contains(
            "dependencies are [prepare >> evaluate, evaluate >> train, train >> publish], expected"
                + " prepare >> train >> evaluate >> publish");
  }

  @Test
  void failsWhenAnArgumentIsMissing() throws Exception {
    Checked checked = checkCopy("\"--adapters\", ADAPTERS_DIR,\n", "");

    assertThat(checked.exitCode).isEqualTo(1);
    assertThat(checked.output).contains("task evaluate: application_args lack --adapters");
  }

  @Test
  void failsWhenATaskLosesTheSharedRunId() throws Exception {
    Checked checked =
        checkCopy(
            "application_args=[\"publish\", \"--evaluation\", EVALUATION_DIR] + COMMON_ARGS",
            "application_args=[\"publish\", \"--evaluation\", EVALUATION_DIR, \"--conf\","
                + " CONFIG_FILE, \"--set\", \"run-id=latest\"]");

    assertThat(checked.exitCode).isEqualTo(1);
    assertThat(checked.output).contains("the tasks do not share one run id");
  }

  @Test
  void failsWhenTheFileDoesNotCompile() throws Exception {
    Checked checked = checkCopy("    prepare >> train", "    prepare >> (train");

    assertThat(checked.exitCode).isEqualTo(1);
    assertThat(checked.output).contains("does not compile");
  }

  private Checked checkCopy(String original, String replacement) throws Exception {
    String source = Files.readString(DAG, StandardCharsets.UTF_8);
    assertThat(source).as("the DAG text this test edits").contains(original);
    Path copy = temp.resolve("adapter_retraining.py");
    Files.writeString(copy, source.replace(original, replacement), StandardCharsets.UTF_8);
    return check(copy);
  }

  private static Checked check(Path dag) throws IOException, InterruptedException {
    Process process =
        new ProcessBuilder("python3", CHECKER.toString(), dag.toString())
            .redirectErrorStream(true)
            .start();
    process.getOutputStream().close();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("check_dag.py finished").isTrue();
    return new Checked(process.exitValue(), output);
  }

  private static Path repositoryRoot() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("airflow/tests/check_dag.py"))) {
        return dir;
      }
    }
    throw new IllegalStateException(
        "Cannot find airflow/tests/check_dag.py above " + Path.of("").toAbsolutePath());
  }

  private record Checked(int exitCode, String output) {}
}
