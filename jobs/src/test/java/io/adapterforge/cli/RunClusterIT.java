package io.adapterforge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.adapterforge.demo.DemoCorpus;
import io.adapterforge.demo.DemoSetup;
import io.adapterforge.evaluate.EvaluationLayout;
import io.adapterforge.jobs.Pipeline;
import io.adapterforge.testing.LocalClusterExtension;
import io.adapterforge.testing.RealTokenizers;
import io.adapterforge.tokenizer.KnownTokenizer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./adapterforge run --conf conf/cluster.conf} against a real standalone cluster of two
 * workers on loopback: the launcher submits the driver with spark-submit and the shaded jar, the
 * four stages run on the executors, and a rerun of the same run id resumes at the first unfinished
 * stage.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RunClusterIT {
  @RegisterExtension static final LocalClusterExtension CLUSTER = LocalClusterExtension.workers(2);

  private static final Path ROOT = Path.of(System.getProperty("adapterforge.root")).normalize();

  @TempDir static Path temp;

  private static Path base;

  @BeforeAll
  static void inputs() throws IOException {
    DemoCorpus.write(temp.resolve("corpus"), 11, 24);
    base = temp.resolve("base");
    DemoSetup.writeBaseModel(RealTokenizers.directory(KnownTokenizer.LLAMA2), 7, base);
  }

  @Test
  @Order(1)
  void runsTheFourStagesOnTheClusterThroughSparkSubmit() throws Exception {
    Run run = run("r1");

    assertThat(run.exitCode).as(run.log).isZero();
    assertThat(run.log)
        .contains("Submitting run r1 to " + CLUSTER.state().masterUrl())
        .contains("org.apache.spark.deploy.SparkSubmit")
        .contains("== prepare", "== train", "== evaluate", "== publish")
        .contains("Plan: 5 adapters on 2 slots");
    Path runDir = temp.resolve("work/runs/r1");
    for (Pipeline.Stage stage : Pipeline.Stage.values()) {
      assertThat(Pipeline.marker(runDir, stage)).isRegularFile();
    }
    assertThat(runDir.resolve("evaluation").resolve(EvaluationLayout.REPORT_HTML)).isRegularFile();
    // Two executors of one core each: the evaluation's scorers spread over two tasks too.
    assertThat(run.log).containsPattern("Evaluating run r1: \\d+ scorers .* on 2 tasks");
  }

  @Test
  @Order(2)
  void aRerunOfTheSameRunIdResumesAtTheFirstUnfinishedStage() throws Exception {
    Path runDir = temp.resolve("work/runs/r1");
    // As if the driver died while publishing: the three earlier stages had finished.
    Files.delete(Pipeline.marker(runDir, Pipeline.Stage.PUBLISH));

    Run run = run("r1");

    assertThat(run.exitCode).as(run.log).isZero();
    assertThat(run.log)
        .contains("Stage prepare of run r1 finished earlier: skipped")
        .contains("Stage train of run r1 finished earlier: skipped")
        .contains("Stage evaluate of run r1 finished earlier: skipped")
        .contains("== publish")
        .doesNotContain("== train", "== evaluate");
    assertThat(Pipeline.marker(runDir, Pipeline.Stage.PUBLISH)).isRegularFile();
  }

  private Run run(String runId) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(ROOT.resolve("adapterforge").toString());
    command.addAll(
        List.of(
            "run",
            "--conf",
            ROOT.resolve("conf/cluster.conf").toString(),
            "--input",
            temp.resolve("corpus").toString(),
            "--base-model",
            base.toString(),
            "--run-id",
            runId,
            "--set",
            "work-dir=" + temp.resolve("work"),
            "--set",
            "spark.master=" + CLUSTER.state().masterUrl(),
            "--set",
            "cluster.dir=" + CLUSTER.dir(),
            "--set",
            "prepare.chat-template=llama2-chat",
            "--set",
            "train.epochs=1",
            "--set",
            "train.learning-rate=5e-3",
            "--set",
            "evaluate.max-generations=2",
            "--set",
            "evaluate.max-new-tokens=8",
            // Each iteration of the router's logistic regression is a Spark job on the cluster.
            "--set",
            "evaluate.router.max-iterations=15"));
    Path log = Files.createTempFile(temp, "run-", ".log");
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(temp.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    // The build that runs this test has just made the jar; never rebuild from inside it.
    builder.environment().put("ADAPTERFORGE_NO_BUILD", "1");
    builder.environment().put("ADAPTERFORGE_HEAP", "1g");
    builder.environment().remove("SPARK_HOME");
    Process process = builder.start();
    try {
      if (!process.waitFor(8, TimeUnit.MINUTES)) {
        throw new AssertionError(
            "run timed out; log:\n" + Files.readString(log, StandardCharsets.UTF_8));
      }
    } finally {
      process.descendants().forEach(ProcessHandle::destroy);
      process.destroy();
    }
    return new Run(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
  }

  private record Run(int exitCode, String log) {}
}
