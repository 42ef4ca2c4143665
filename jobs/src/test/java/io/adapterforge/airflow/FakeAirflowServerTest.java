package io.adapterforge.airflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The fake must refuse what real Airflow refuses, or the client tests would prove nothing. */
class FakeAirflowServerTest {
  private static final String RUNS = "/dags/adapter_retraining/dagRuns";

  private final HttpClient http = HttpClient.newHttpClient();
  private FakeAirflowServer server;

  @AfterEach
  void stopServer() {
    server.close();
  }

  @Test
  void airflow3RequiresTheLogicalDate() throws Exception {
    start(3);

    HttpResponse<String> response =
        post("/api/v2" + RUNS, "{\"dag_run_id\":\"r1\",\"conf\":{}}", bearer());

    assertThat(response.statusCode()).isEqualTo(422);
    assertThat(response.body())
        .isEqualTo(
            "{\"detail\":[{\"type\":\"missing\",\"loc\":[\"body\",\"logical_date\"],\"msg\":\"Field required\"}]}");
  }

  @Test
  void airflow3RefusesUnknownFields() throws Exception {
    start(3);

    HttpResponse<String> response =
        post("/api/v2" + RUNS, "{\"logical_date\":null,\"execution_date\":null}", bearer());

    assertThat(response.statusCode()).isEqualTo(422);
    assertThat(response.body()).contains("extra_forbidden", "execution_date");
  }

  @Test
  void airflow3AcceptsTheStrictBodyOnlyWithAToken() throws Exception {
    start(3);
    String body = "{\"dag_run_id\":\"r1\",\"logical_date\":null,\"conf\":{}}";

    assertThat(post("/api/v2" + RUNS, body, null).statusCode()).isEqualTo(401);
    assertThat(post("/api/v2" + RUNS, body, "Bearer forged").statusCode()).isEqualTo(401);
    assertThat(post("/api/v2" + RUNS, body, bearer()).statusCode()).isEqualTo(200);
    assertThat(post("/api/v2" + RUNS, body, bearer()).statusCode()).isEqualTo(409);
    assertThat(post("/api/v2/dags/nope/dagRuns", body, bearer()).statusCode()).isEqualTo(404);
    assertThat(
            post("/auth/token", "{\"username\":\"admin\",\"password\":\"x\"}", null).statusCode())
        .isEqualTo(401);
  }

  @Test
  void airflow2RefusesANullLogicalDateAndUnknownFieldsAndWantsBasicAuth() throws Exception {
    start(2);
    String basic =
        "Basic "
            + Base64.getEncoder().encodeToString("admin:s3cret".getBytes(StandardCharsets.UTF_8));

    HttpResponse<String> nullDate = post("/api/v1" + RUNS, "{\"logical_date\":null}", basic);
    HttpResponse<String> unknown = post("/api/v1" + RUNS, "{\"run_type\":\"manual\"}", basic);

    assertThat(nullDate.statusCode()).isEqualTo(400);
    assertThat(nullDate.body()).contains("Field may not be null.", "\"title\":\"Bad Request\"");
    assertThat(unknown.statusCode()).isEqualTo(400);
    assertThat(unknown.body()).contains("Unknown field.");
    assertThat(post("/api/v1" + RUNS, "{\"dag_run_id\":\"r1\"}", null).statusCode()).isEqualTo(401);
    assertThat(post("/api/v1" + RUNS, "{\"dag_run_id\":\"r1\"}", basic).statusCode())
        .isEqualTo(200);
    assertThat(post("/api/v2" + RUNS, "{\"dag_run_id\":\"r2\"}", basic).statusCode())
        .isEqualTo(404);
  }

  private void start(int apiVersion) throws IOException {
    server = FakeAirflowServer.start(apiVersion, "admin", "s3cret");
    List<String> tasks = List.of("prepare");
    server.addDag("adapter_retraining", tasks, FakeAirflowServer.script(tasks, null));
  }

  private String bearer() throws Exception {
    HttpResponse<String> token =
        post("/auth/token", "{\"username\":\"admin\",\"password\":\"s3cret\"}", null);
    assertThat(token.statusCode()).isEqualTo(201);
    return "Bearer " + token.body().replaceAll(".*\"access_token\":\"([^\"]+)\".*", "$1");
  }

  private HttpResponse<String> post(String path, String body, String authorization)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(server.url() + path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
