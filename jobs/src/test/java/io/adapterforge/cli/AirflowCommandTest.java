package io.adapterforge.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.adapterforge.airflow.FakeAirflowServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class AirflowCommandTest {
  private static final List<String> TASKS = List.of("prepare", "train", "evaluate", "publish");
  private static final String DAG = "adapter_retraining";
  private static final Pattern CHANGE =
      Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ  (\\S+) +(\\S+)");

  private FakeAirflowServer server;

  @AfterEach
  void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void triggerWaitShowsEachTaskStateChangeAndExits0WhenTheRunSucceeds() throws IOException {
    start(3, null);

    Result result =
        run("trigger", "--dag", DAG, "--run-id", "nightly-7", "--wait", "--poll-interval", "2ms");

    assertThat(result.exitCode).as(result.err).isZero();
    List<String> lines = result.out.lines().toList();
    assertThat(lines.get(0)).isEqualTo("nightly-7");
    assertThat(changes(lines))
        .containsExactly(
            "prepare none",
            "train none",
            "evaluate none",
            "publish none",
            "prepare queued",
            "prepare running",
            "prepare success",
            "train queued",
            "train running",
            "train success",
            "evaluate queued",
            "evaluate running",
            "evaluate success",
            "publish queued",
            "publish running",
            "publish success");
    assertThat(lines.get(lines.size() - 1))
        .isEqualTo("run nightly-7 of DAG adapter_retraining finished: success");
  }

  @Test
  void triggerWaitExits1WhenTheRunFails() throws IOException {
    start(2, "train");

    Result result =
        run("trigger", "--dag", DAG, "--run-id", "nightly-8", "--wait", "--poll-interval", "1ms");

    assertThat(result.exitCode).isEqualTo(1);
    assertThat(changes(result.out.lines().toList()))
        .contains("train running", "train failed", "evaluate upstream_failed")
        .doesNotContain("train success");
    assertThat(result.out).endsWith("run nightly-8 of DAG adapter_retraining finished: failed\n");
  }

  @Test
  void triggerWithoutWaitPrintsOnlyTheRunIdAndSendsTheConf() throws IOException {
    start(3, null);

    Result result = run("trigger", "--dag", DAG, "--conf", "{\"tenants\":[\"banking\",\"legal\"]}");

    assertThat(result.exitCode).as(result.err).isZero();
    assertThat(result.out).matches("adapterforge__\\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z\n");
    assertThat(server.triggerBodies().get(0).get("conf").toString())
        .isEqualTo("{\"tenants\":[\"banking\",\"legal\"]}");
  }

  @Test
  void statusPrintsTheRunAndItsTasksAndExitsAsTheRun() throws IOException {
    start(3, null);
    server.addRun(DAG, "done", FakeAirflowServer.script(TASKS, null).subList(12, 13));
    server.addRun(DAG, "broken", FakeAirflowServer.script(TASKS, "evaluate").subList(9, 10));

    Result done = run("status", "done", "--dag", DAG);
    Result broken = run("status", "broken", "--dag", DAG);

    assertThat(done.exitCode).as(done.err).isZero();
    assertThat(done.out)
        .isEqualTo(
            "run done of DAG adapter_retraining: success\n"
                + "task      state          tries\n"
                + "prepare   success        1\n"
                + "train     success        1\n"
                + "evaluate  success        1\n"
                + "publish   success        1\n");
    assertThat(broken.exitCode).isEqualTo(1);
    assertThat(broken.out)
        .startsWith("run broken of DAG adapter_retraining: failed\n")
        .contains("evaluate  failed ", "publish   upstream_failed");
  }

  @Test
  void duplicateRunIdExits1WithAirflowsReason() throws IOException {
    start(3, null);
    server.addRun(DAG, "taken", FakeAirflowServer.script(TASKS, null));

    Result result = run("trigger", "--dag", DAG, "--run-id", "taken");

    assertThat(result.exitCode).isEqualTo(1);
    assertThat(result.err)
        .contains("Cannot trigger DAG 'adapter_retraining' with run id 'taken'")
        .contains("409: DAG Run with run_id: `taken` already exists");
  }

  @Test
  void unknownRunExits1NamingIt() throws IOException {
    start(3, null);

    Result result = run("status", "ghost", "--dag", DAG);

    assertThat(result.exitCode).isEqualTo(1);
    assertThat(result.err).contains("Cannot read run 'ghost' of DAG 'adapter_retraining'", "404");
  }

  @Test
  void wrongPasswordExits1WithoutPrintingIt() throws IOException {
    start(3, null);

    Result result = runAs("admin", "not-the-password", "status", "r1", "--dag", DAG);

    assertThat(result.exitCode).isEqualTo(1);
    assertThat(result.err).contains("rejected the credentials of user 'admin'");
    assertThat(result.out + result.err).doesNotContain("not-the-password");
  }

  @Test
  void serverErrorsAreRetriedFromTheCommandLine() throws IOException {
    start(3, null);
    server.failNext(2);

    Result result = run("trigger", "--dag", DAG, "--run-id", "r1", "--retries", "2");

    assertThat(result.exitCode).as(result.err).isZero();
    assertThat(result.out).isEqualTo("r1\n");
  }

  @Test
  void timeoutAfterTheRetriesExits1NamingTheUrl() throws IOException {
    start(3, null);
    server.stallNext(3, Duration.ofSeconds(2));

    Result result = run("status", "r1", "--dag", DAG, "--timeout", "100ms", "--retries", "1");

    assertThat(result.exitCode).isEqualTo(1);
    assertThat(result.err)
        .contains(
            "POST "
                + server.url()
                + "/auth/token failed 2 times (--retries 1); the last attempt:"
                + " no answer within 100 ms (--timeout)");
  }

  @Test
  void usageErrorsExit2() throws IOException {
    start(3, null);

    assertThat(run("trigger", "--dag", DAG, "--conf", "[1,2]").err)
        .contains("Cannot use --conf '[1,2]': must be a JSON object");
    assertThat(run("trigger", "--dag", DAG, "--conf", "[1,2]").exitCode).isEqualTo(2);
    assertThat(run("trigger", "--dag", DAG, "--api-version", "4").err)
        .contains("Cannot use airflow.api-version (--api-version) 4");
    assertThat(run("trigger", "--dag", DAG, "--run-id", "a b").err)
        .contains("Cannot use --run-id 'a b'");
    assertThat(run("trigger", "--dag", DAG, "--poll-interval", "soon").exitCode).isEqualTo(2);
    assertThat(run("trigger").err).contains("Missing required option: '--dag=DAG_ID'");
    assertThat(run("status", "--dag", DAG).exitCode).isEqualTo(2);
    assertThat(run().err).contains("Missing a subcommand: trigger or status");
    assertThat(server.requests()).isEmpty();
  }

  @Test
  void missingUserIsAUsageError() {
    assumeTrue(System.getenv("AIRFLOW_USER") == null, "AIRFLOW_USER is set in this environment");

    Result result = execute("airflow", "status", "r1", "--dag", DAG, "--password", "x");

    assertThat(result.exitCode).isEqualTo(2);
    assertThat(result.err).contains("Missing the Airflow user: pass --user or set AIRFLOW_USER");
  }

  @Test
  void durationsAcceptSecondsAndUnits() {
    AirflowCommand.DurationConverter converter = new AirflowCommand.DurationConverter();

    assertThat(converter.convert("5")).isEqualTo(Duration.ofSeconds(5));
    assertThat(converter.convert("0.25")).isEqualTo(Duration.ofMillis(250));
    assertThat(converter.convert("200ms")).isEqualTo(Duration.ofMillis(200));
    assertThat(converter.convert("2m")).isEqualTo(Duration.ofMinutes(2));
  }

  private void start(int apiVersion, String failedTask) throws IOException {
    server = FakeAirflowServer.start(apiVersion, "admin", "s3cret");
    server.addDag(DAG, TASKS, FakeAirflowServer.script(TASKS, failedTask));
  }

  private static List<String> changes(List<String> lines) {
    List<String> changes = new ArrayList<>();
    for (String line : lines) {
      var matcher = CHANGE.matcher(line);
      if (matcher.matches()) {
        changes.add(matcher.group(1) + " " + matcher.group(2));
      }
    }
    return changes;
  }

  private Result run(String... args) {
    return runAs("admin", "s3cret", args);
  }

  private Result runAs(String user, String password, String... args) {
    List<String> all = new ArrayList<>(List.of("airflow"));
    all.addAll(List.of(args));
    if (args.length > 0) {
      String[][] connection = {
        {"--url", server.url().toString()},
        {"--api-version", String.valueOf(server.apiVersion())},
        {"--user", user},
        {"--password", password},
        {"--retry-backoff", "1ms"}
      };
      for (String[] option : connection) {
        if (!List.of(args).contains(option[0])) {
          all.addAll(List.of(option));
        }
      }
    }
    return execute(all.toArray(String[]::new));
  }

  private static Result execute(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine commandLine = AdapterforgeCli.commandLine();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    int exitCode = commandLine.execute(args);
    return new Result(exitCode, out.toString(), err.toString());
  }

  record Result(int exitCode, String out, String err) {}
}
