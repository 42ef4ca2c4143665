package io.adapterforge.airflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AirflowClientTest {
  private static final List<String> TASKS = List.of("prepare", "train", "evaluate", "publish");
  private static final String DAG = "adapter_retraining";

  private FakeAirflowServer server;

  @AfterEach
  void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void airflow3TriggersWithATokenAndAStrictBody() throws IOException {
    AirflowClient client = client(start(3), "s3cret", 0);

    DagRun run = client.triggerDagRun(DAG, "nightly-1", Map.of("tenants", List.of("banking")));

    assertThat(run).isEqualTo(new DagRun(DAG, "nightly-1", "queued", java.util.Optional.empty()));
    assertThat(server.requests())
        .containsExactly("POST /auth/token", "POST /api/v2/dags/adapter_retraining/dagRuns");
    JsonNode body = server.triggerBodies().get(0);
    assertThat(body.fieldNames())
        .toIterable()
        .containsExactly("dag_run_id", "logical_date", "conf");
    assertThat(body.get("logical_date").isNull()).isTrue();
    assertThat(body.get("conf").toString()).isEqualTo("{\"tenants\":[\"banking\"]}");
  }

  @Test
  void airflow2TriggersWithBasicAuthAndLeavesTheLogicalDateToAirflow() throws IOException {
    AirflowClient client = client(start(2), "s3cret", 0);

    DagRun run = client.triggerDagRun(DAG, "nightly-1", Map.of());

    assertThat(run.runId()).isEqualTo("nightly-1");
    assertThat(server.requests()).containsExactly("POST /api/v1/dags/adapter_retraining/dagRuns");
    assertThat(server.triggerBodies().get(0).fieldNames())
        .toIterable()
        .containsExactly("dag_run_id", "conf");
  }

  @Test
  void readsTheRunStateAndItsTaskInstances() throws IOException {
    AirflowClient client = client(start(3), "s3cret", 0);
    server.addRun(DAG, "r1", FakeAirflowServer.script(TASKS, null).subList(3, 4));

    DagRun run = client.getDagRun(DAG, "r1");
    List<TaskInstance> tasks = client.listTaskInstances(DAG, "r1");

    assertThat(run.state()).isEqualTo("running");
    assertThat(run.isFinished()).isFalse();
    assertThat(tasks)
        .extracting(TaskInstance::taskId, TaskInstance::displayState)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("prepare", "success"),
            org.assertj.core.groups.Tuple.tuple("train", "none"),
            org.assertj.core.groups.Tuple.tuple("evaluate", "none"),
            org.assertj.core.groups.Tuple.tuple("publish", "none"));
  }

  @Test
  void listsEveryPageOfTaskInstances() throws IOException {
    AirflowClient client = client(start(3), "s3cret", 0);
    List<String> many = IntStream.range(0, 150).mapToObj(i -> "t" + i).toList();
    server.addDag("wide", many, FakeAirflowServer.script(many, null).subList(0, 1));
    client.triggerDagRun("wide", "r1", Map.of());

    List<TaskInstance> tasks = client.listTaskInstances("wide", "r1");

    assertThat(tasks).extracting(TaskInstance::taskId).containsExactlyElementsOf(many);
    assertThat(server.requests())
        .contains(
            "GET /api/v2/dags/wide/dagRuns/r1/taskInstances?limit=100&offset=0",
            "GET /api/v2/dags/wide/dagRuns/r1/taskInstances?limit=100&offset=100");
  }

  @Test
  void encodesRunIdsInThePath() throws IOException {
    AirflowClient client = client(start(3), "s3cret", 0);
    String runId = "manual__2025-01-01T02:00:00+00:00";
    client.triggerDagRun(DAG, runId, Map.of());

    assertThat(client.getDagRun(DAG, runId).runId()).isEqualTo(runId);
    assertThat(server.requests())
        .contains(
            "GET /api/v2/dags/adapter_retraining/dagRuns/manual__2025-01-01T02%3A00%3A00%2B00%3A00");
  }

  @Test
  void wrongPasswordOnAirflow3NamesTheUserAndTheTokenEndpointButNotThePassword()
      throws IOException {
    AirflowClient client = client(start(3), "wrong-pw", 2);

    assertThatThrownBy(() -> client.triggerDagRun(DAG, "r1", Map.of()))
        .isInstanceOf(AirflowException.class)
        .hasMessageContaining("Airflow rejected the credentials of user 'admin'")
        .hasMessageContaining(
            "POST " + server.url() + "/auth/token answered 401: Invalid credentials")
        .hasMessageNotContaining("wrong-pw");
    // A 401 is an answer, not a transient failure: no retries.
    assertThat(server.requests()).containsExactly("POST /auth/token");
  }

  @Test
  void wrongPasswordOnAirflow2NamesBasicAuth() throws IOException {
    AirflowClient client = client(start(2), "wrong-pw", 0);

    assertThatThrownBy(() -> client.getDagRun(DAG, "r1"))
        .isInstanceOf(AirflowException.class)
        .hasMessageContaining("rejected the basic-auth credentials of user 'admin'")
        .hasMessageContaining(
            "/api/v1/dags/adapter_retraining/dagRuns/r1 answered 401: Unauthorized")
        .hasMessageNotContaining("wrong-pw");
  }

  @Test
  void expiredTokenIsFetchedAgainOnce() throws IOException {
    AirflowClient client = client(start(3), "s3cret", 0);
    client.triggerDagRun(DAG, "r1", Map.of());
    server.expireTokens();

    DagRun run = client.getDagRun(DAG, "r1");

    assertThat(run.runId()).isEqualTo("r1");
    assertThat(server.requests())
        .containsExactly(
            "POST /auth/token",
            "POST /api/v2/dags/adapter_retraining/dagRuns",
            "GET /api/v2/dags/adapter_retraining/dagRuns/r1",
            "POST /auth/token",
            "GET /api/v2/dags/adapter_retraining/dagRuns/r1");
  }

  @Test
  void unknownDagIsA404NamingTheDag() throws IOException {
    AirflowClient client = client(start(3), "s3cret", 0);

    assertThatThrownBy(() -> client.triggerDagRun("nope", "r1", Map.of()))
        .isInstanceOf(AirflowException.class)
        .hasMessageContaining("Cannot trigger DAG 'nope' with run id 'r1'")
        .hasMessageContaining("has no DAG 'nope'")
        .hasMessageContaining("answered 404: The Dag with ID: `nope` was not found")
        .satisfies(e -> assertThat(((AirflowException) e).status()).contains(404));
  }

  @Test
  void unknownRunIsA404NamingTheRunAndTheDag() throws IOException {
    AirflowClient client = client(start(2), "s3cret", 0);

    assertThatThrownBy(() -> client.getDagRun(DAG, "missing"))
        .isInstanceOf(AirflowException.class)
        .hasMessageContaining("Cannot read run 'missing' of DAG 'adapter_retraining'")
        .hasMessageContaining(
            "answered 404: DAGRun not found - DAGRun with DAG ID: 'adapter_retraining' and"
                + " DagRun ID: 'missing' not found");
  }

  @Test
  void duplicateRunIdIsA409() throws IOException {
    AirflowClient client = client(start(3), "s3cret", 0);
    client.triggerDagRun(DAG, "r1", Map.of());

    assertThatThrownBy(() -> client.triggerDagRun(DAG, "r1", Map.of()))
        .isInstanceOf(AirflowException.class)
        .hasMessageContaining("a run with that id already exists")
        .hasMessageContaining("answered 409: DAG Run with run_id: `r1` already exists");
  }

  @Test
  void retries5xxWithBackoffUntilAnAnswerComes() throws IOException {
    AirflowClient client = client(start(3), "s3cret", 3);
    server.failNext(3);

    DagRun run = client.triggerDagRun(DAG, "r1", Map.of());

    assertThat(run.runId()).isEqualTo("r1");
    // The token request took the three 503s, then got through.
    assertThat(server.requests())
        .containsExactly(
            "POST /auth/token",
            "POST /auth/token",
            "POST /auth/token",
            "POST /auth/token",
            "POST /api/v2/dags/adapter_retraining/dagRuns");
  }

  @Test
  void gives5xxUpAfterTheRetriesNamingTheUrlAndTheLastStatus() throws IOException {
    AirflowClient client = client(start(2), "s3cret", 2);
    server.failNext(10);

    assertThatThrownBy(() -> client.getDagRun(DAG, "r1"))
        .isInstanceOf(AirflowException.class)
        .hasMessage(
            "GET "
                + server.url()
                + "/api/v1/dags/adapter_retraining/dagRuns/r1 failed 3 times (--retries 2); the"
                + " last attempt: HTTP 503: Service Unavailable")
        .satisfies(e -> assertThat(((AirflowException) e).status()).contains(503));
    assertThat(server.requests()).hasSize(3);
  }

  @Test
  void retriesATimeout() throws IOException {
    server = start(3);
    AirflowClient client = client(server, "s3cret", Duration.ofMillis(300), 2);
    client.triggerDagRun(DAG, "r1", Map.of());
    server.stallNext(1, Duration.ofSeconds(3));

    long started = System.nanoTime();
    DagRun run = client.getDagRun(DAG, "r1");

    assertThat(run.runId()).isEqualTo("r1");
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
  }

  @Test
  void givesTimeoutsUpAfterTheRetries() throws IOException {
    server = start(3);
    AirflowClient client = client(server, "s3cret", Duration.ofMillis(200), 1);
    client.triggerDagRun(DAG, "r1", Map.of());
    server.stallNext(5, Duration.ofSeconds(2));

    assertThatThrownBy(() -> client.getDagRun(DAG, "r1"))
        .isInstanceOf(AirflowException.class)
        .hasMessage(
            "GET "
                + server.url()
                + "/api/v2/dags/adapter_retraining/dagRuns/r1 failed 2 times (--retries 1); the"
                + " last attempt: no answer within 200 ms (--timeout)")
        .satisfies(e -> assertThat(((AirflowException) e).status()).isEmpty());
  }

  @Test
  void aTriggerWhoseAnswerWasLostIsReadBackInsteadOfReportedAsAConflict() throws IOException {
    AirflowClient client = client(start(3), "s3cret", 2);
    client.triggerDagRun(DAG, "r0", Map.of());
    server.failNextAfterHandling(1);

    DagRun run = client.triggerDagRun(DAG, "r1", Map.of());

    assertThat(run.runId()).isEqualTo("r1");
    assertThat(server.triggerBodies()).hasSize(2);
    assertThat(server.requests())
        .endsWith(
            "POST /api/v2/dags/adapter_retraining/dagRuns",
            "POST /api/v2/dags/adapter_retraining/dagRuns",
            "GET /api/v2/dags/adapter_retraining/dagRuns/r1");
  }

  @Test
  void refusedConnectionIsRetriedThenNamed() throws IOException {
    server = start(3);
    java.net.URI url = server.url();
    server.close();
    AirflowClient client =
        new AirflowClient(
            new AirflowSettings(
                url, 3, "admin", "s3cret", Duration.ofSeconds(2), 1, Duration.ZERO));
    server = null;

    assertThatThrownBy(() -> client.getDagRun(DAG, "r1"))
        .isInstanceOf(AirflowException.class)
        .hasMessageStartingWith(
            "POST "
                + url
                + "/auth/token failed 2 times (--retries 1); the last attempt: connection failed");
  }

  @Test
  void explainsFastApiValidationErrors() throws IOException {
    AirflowClient client = client(start(3), "s3cret", 0);

    assertThat(
            client.explain(
                "{\"detail\":[{\"type\":\"missing\",\"loc\":[\"body\",\"logical_date\"],"
                    + "\"msg\":\"Field required\"},{\"type\":\"extra_forbidden\","
                    + "\"loc\":[\"body\",\"run_type\"],\"msg\":\"Extra inputs are not permitted\"}]}"))
        .contains(
            "body.logical_date: Field required; body.run_type: Extra inputs are not permitted");
    assertThat(client.explain("<html>Bad Gateway</html>")).contains("<html>Bad Gateway</html>");
    assertThat(client.explain("")).isEmpty();
  }

  @Test
  void watcherReportsEachTaskStateChangeOnceAndReturnsTheFinishedRun() throws IOException {
    AirflowClient client = client(start(3), "s3cret", 0);
    client.triggerDagRun(DAG, "r1", Map.of());
    List<String> changes = new ArrayList<>();

    DagRun run =
        new DagRunWatcher(client, Duration.ofMillis(1), Clock.systemUTC())
            .watch(
                DAG,
                "r1",
                change ->
                    changes.add(
                        change.task().displayName()
                            + " "
                            + change.previousState().orElse("-")
                            + ">"
                            + change.task().displayState()));

    assertThat(run.state()).isEqualTo("success");
    assertThat(changes)
        .containsExactly(
            "prepare ->none",
            "train ->none",
            "evaluate ->none",
            "publish ->none",
            "prepare none>queued",
            "prepare queued>running",
            "prepare running>success",
            "train none>queued",
            "train queued>running",
            "train running>success",
            "evaluate none>queued",
            "evaluate queued>running",
            "evaluate running>success",
            "publish none>queued",
            "publish queued>running",
            "publish running>success");
  }

  private FakeAirflowServer start(int apiVersion) throws IOException {
    server = FakeAirflowServer.start(apiVersion, "admin", "s3cret");
    server.addDag(DAG, TASKS, FakeAirflowServer.script(TASKS, null));
    return server;
  }

  private static AirflowClient client(FakeAirflowServer server, String password, int retries) {
    return client(server, password, Duration.ofSeconds(5), retries);
  }

  private static AirflowClient client(
      FakeAirflowServer server, String password, Duration timeout, int retries) {
    return new AirflowClient(
        new AirflowSettings(
            server.url(),
            server.apiVersion(),
            "admin",
            password,
            timeout,
            retries,
            Duration.ofMillis(5)));
  }
}
