package io.adapterforge.airflow;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A client for Airflow's stable REST API: trigger a DAG run, read a run's state, list its task
 * instances. Airflow 3 ({@code /api/v2}) gets a JWT from {@code POST /auth/token} on first use,
 * sends it as {@code Authorization: Bearer …}, and fetches a new one once when Airflow answers 401
 * (an expired token); Airflow 2 ({@code /api/v1}) gets HTTP basic auth on every request.
 *
 * <p>Answers 5xx, timeouts ({@link AirflowSettings#timeout()} per request) and dropped connections
 * are retried {@link AirflowSettings#retries()} times with exponential backoff; then, and for every
 * 4xx, an {@link AirflowException} says which request failed, for which DAG or run, and why.
 *
 * <p>Thread-safe: one client may serve many threads; the token is shared and renewed under a lock.
 */
public final class AirflowClient {
  /** Airflow's largest page of task instances (its {@code maximum_page_limit} default is 100). */
  static final int PAGE_SIZE = 100;

  private static final int SHOWN_BODY_CHARS = 300;

  private final AirflowSettings settings;
  private final HttpClient http;
  private final ObjectMapper json = new ObjectMapper();
  private final Object tokenLock = new Object();
  private String token; // guarded by tokenLock; Airflow 3 only

  public AirflowClient(AirflowSettings settings) {
    this.settings = requireNonNull(settings, "settings is null");
    this.http =
        HttpClient.newBuilder()
            // Airflow's servers (uvicorn, gunicorn) speak HTTP/1.1; skip the h2c upgrade dance.
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(settings.timeout())
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  /** The settings this client uses. */
  public AirflowSettings settings() {
    return settings;
  }

  /**
   * Triggers a run of {@code dagId} ({@code POST …/dags/{dag_id}/dagRuns}). The body holds exactly
   * {@code dag_run_id}, {@code logical_date} and {@code conf}: Airflow 3 requires {@code
   * logical_date} to be present and gets {@code null} (a run without a logical date); Airflow 2
   * refuses {@code null} there, so it is left out and Airflow 2 uses the current time.
   *
   * <p>When a retried attempt gets 409 (an earlier attempt created the run, but its answer was lost
   * to a timeout or a 5xx from a proxy), the run is read back and returned.
   *
   * @param runId the run's id; Airflow's allowed characters are {@code [A-Za-z0-9_.~:+-]}
   * @param conf the run's {@code conf}, a JSON object (an empty map for none)
   * @throws AirflowException on 401, 404 (no such DAG), 409 (the run id is taken), another 4xx, or
   *     when every attempt failed
   */
  public DagRun triggerDagRun(String dagId, String runId, Map<String, ?> conf) {
    requireNonNull(dagId, "dagId is null");
    requireNonNull(runId, "runId is null");
    requireNonNull(conf, "conf is null");
    ObjectNode body = json.createObjectNode();
    body.put("dag_run_id", runId);
    if (settings.apiVersion() == 3) {
      body.putNull("logical_date");
    }
    body.set("conf", json.valueToTree(conf));
    URI uri = apiUri("dags", dagId, "dagRuns");
    Answer answer = call("POST", uri, body.toString());
    String what = "trigger DAG '" + dagId + "' with run id '" + runId + "'";
    if (answer.status() == 409 && answer.attempts() > 1) {
      return getDagRun(dagId, runId);
    }
    if (answer.status() == 404) {
      throw failure(
          answer,
          "Cannot " + what + ": Airflow at " + settings.url() + " has no DAG '" + dagId + "'");
    }
    if (answer.status() == 409) {
      throw failure(
          answer,
          "Cannot "
              + what
              + ": a run with that id already exists; pick another run id or look at it with"
              + " 'adapterforge airflow status "
              + runId
              + " --dag "
              + dagId
              + "'");
    }
    return parseDagRun(answer, ok(answer, "Cannot " + what), dagId);
  }

  /**
   * Reads one DAG run ({@code GET …/dags/{dag_id}/dagRuns/{run_id}}).
   *
   * @throws AirflowException on 404 (no such DAG or run), another 4xx, or when every attempt failed
   */
  public DagRun getDagRun(String dagId, String runId) {
    requireNonNull(dagId, "dagId is null");
    requireNonNull(runId, "runId is null");
    Answer answer = call("GET", apiUri("dags", dagId, "dagRuns", runId), null);
    String what = "Cannot read run '" + runId + "' of DAG '" + dagId + "'";
    if (answer.status() == 404) {
      throw failure(answer, what + ": Airflow at " + settings.url() + " has no such DAG or run");
    }
    return parseDagRun(answer, ok(answer, what), dagId);
  }

  /**
   * Lists the task instances of one DAG run ({@code GET …/dagRuns/{run_id}/taskInstances}), every
   * page of it, in Airflow's order.
   *
   * @throws AirflowException on 404 (no such DAG or run), another 4xx, or when every attempt failed
   */
  public List<TaskInstance> listTaskInstances(String dagId, String runId) {
    requireNonNull(dagId, "dagId is null");
    requireNonNull(runId, "runId is null");
    String what = "Cannot list the task instances of run '" + runId + "' of DAG '" + dagId + "'";
    List<TaskInstance> tasks = new ArrayList<>();
    while (true) {
      URI uri =
          URI.create(
              apiUri("dags", dagId, "dagRuns", runId, "taskInstances")
                  + "?limit="
                  + PAGE_SIZE
                  + "&offset="
                  + tasks.size());
      Answer answer = call("GET", uri, null);
      if (answer.status() == 404) {
        throw failure(answer, what + ": Airflow at " + settings.url() + " has no such DAG or run");
      }
      JsonNode page = ok(answer, what);
      JsonNode items = page.get("task_instances");
      if (items == null || !items.isArray()) {
        throw unexpected(answer, "no 'task_instances' array");
      }
      for (JsonNode item : items) {
        String taskId = text(item, "task_id").orElseThrow(() -> unexpected(answer, "no 'task_id'"));
        tasks.add(
            new TaskInstance(
                taskId,
                item.path("map_index").asInt(-1),
                text(item, "state"),
                item.path("try_number").asInt(0)));
      }
      int total = page.path("total_entries").asInt(tasks.size());
      if (items.isEmpty() || tasks.size() >= total) {
        return List.copyOf(tasks);
      }
    }
  }

  private URI apiUri(String... segments) {
    StringBuilder uri = new StringBuilder(settings.apiRoot().toString());
    for (String segment : segments) {
      uri.append('/').append(encodePathSegment(segment));
    }
    return URI.create(uri.toString());
  }

  /** Percent-encodes everything but RFC 3986's unreserved characters. */
  static String encodePathSegment(String segment) {
    StringBuilder out = new StringBuilder();
    for (byte b : segment.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if ((c >= 'A' && c <= 'Z')
          || (c >= 'a' && c <= 'z')
          || (c >= '0' && c <= '9')
          || c == '-'
          || c == '.'
          || c == '_'
          || c == '~') {
        out.append(c);
      } else {
        out.append('%').append(String.format("%02X", b & 0xff));
      }
    }
    return out.toString();
  }

  /** Sends one API request with auth, retries and (Airflow 3) one token renewal on 401. */
  private Answer call(String method, URI uri, String body) {
    if (settings.apiVersion() == 2) {
      Answer answer = sendWithRetries(method, uri, body, basicAuth());
      if (answer.status() == 401) {
        throw failure(
            answer,
            "Airflow rejected the basic-auth credentials of user '"
                + settings.user()
                + "'; check --user and --password (AIRFLOW_USER, AIRFLOW_PASSWORD) and that"
                + " Airflow 2's [api] auth_backends includes basic_auth");
      }
      return answer;
    }
    String used = currentToken();
    Answer answer = sendWithRetries(method, uri, body, "Bearer " + used);
    if (answer.status() == 401) {
      // Tokens expire ([api_auth] jwt_expiration_time); fetch a new one, once.
      answer = sendWithRetries(method, uri, body, "Bearer " + renewToken(used));
      if (answer.status() == 401) {
        throw failure(
            answer,
            "Airflow rejected a freshly issued token of user '"
                + settings.user()
                + "' (was it issued by another Airflow, or is the API server's JWT secret"
                + " different from the one that signed it?)");
      }
    }
    return answer;
  }

  private String basicAuth() {
    String pair = settings.user() + ":" + settings.password();
    return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
  }

  private String currentToken() {
    synchronized (tokenLock) {
      if (token == null) {
        token = fetchToken();
      }
      return token;
    }
  }

  private String renewToken(String rejected) {
    synchronized (tokenLock) {
      // Another thread may have renewed it already.
      if (token == null || token.equals(rejected)) {
        token = fetchToken();
      }
      return token;
    }
  }

  private String fetchToken() {
    ObjectNode body = json.createObjectNode();
    body.put("username", settings.user());
    body.put("password", settings.password());
    URI uri = settings.tokenUri();
    Answer answer = sendWithRetries("POST", uri, body.toString(), null);
    if (answer.status() == 401 || answer.status() == 403) {
      throw failure(
          answer,
          "Airflow rejected the credentials of user '"
              + settings.user()
              + "'; check --user and --password (AIRFLOW_USER, AIRFLOW_PASSWORD)");
    }
    if (answer.status() == 404) {
      throw failure(
          answer,
          "Airflow at "
              + settings.url()
              + " has no token endpoint; is it Airflow 2? Then use --api-version 2");
    }
    JsonNode tokenAnswer = ok(answer, "Cannot get a token for user '" + settings.user() + "'");
    return text(tokenAnswer, "access_token")
        .orElseThrow(() -> unexpected(answer, "no 'access_token'"));
  }

  /** Sends until a non-5xx answer comes or the attempts run out. */
  private Answer sendWithRetries(String method, URI uri, String body, String authorization) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(uri)
            .timeout(settings.timeout())
            .header("Accept", "application/json");
    if (authorization != null) {
      builder.header("Authorization", authorization);
    }
    if (body == null) {
      builder.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      builder
          .header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    }
    HttpRequest request = builder.build();
    int attempts = settings.retries() + 1;
    int lastStatus = -1;
    String lastProblem = null;
    IOException lastError = null;
    for (int attempt = 1; attempt <= attempts; attempt++) {
      if (attempt > 1) {
        sleep(settings.backoffBefore(attempt - 1), method, uri);
      }
      try {
        HttpResponse<String> response =
            http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        if (response.statusCode() < 500) {
          return new Answer(method, uri, response.statusCode(), response.body(), attempt);
        }
        lastStatus = response.statusCode();
        lastProblem = "HTTP " + lastStatus + explain(response.body()).map(d -> ": " + d).orElse("");
        lastError = null;
      } catch (HttpTimeoutException e) {
        lastProblem = "no answer within " + describe(settings.timeout()) + " (--timeout)";
        lastError = e;
      } catch (IOException e) {
        lastProblem = "connection failed: " + e;
        lastError = e;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AirflowException("Interrupted during " + method + " " + uri, -1, uri, e);
      }
    }
    throw new AirflowException(
        method
            + " "
            + uri
            + " failed "
            + attempts
            + (attempts == 1 ? " time" : " times")
            + " (--retries "
            + settings.retries()
            + "); the last attempt: "
            + lastProblem,
        lastStatus,
        uri,
        lastError);
  }

  private static void sleep(Duration wait, String method, URI uri) {
    try {
      Thread.sleep(wait.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AirflowException(
          "Interrupted while waiting to retry " + method + " " + uri, -1, uri, e);
    }
  }

  /** The body of a 2xx answer; any other status becomes an {@link AirflowException}. */
  private JsonNode ok(Answer answer, String what) {
    if (answer.status() < 200 || answer.status() >= 300) {
      throw failure(answer, what + ": Airflow refused the request");
    }
    try {
      JsonNode node = json.readTree(answer.body());
      if (node == null || !node.isObject()) {
        throw unexpected(answer, "not a JSON object");
      }
      return node;
    } catch (JsonProcessingException e) {
      throw unexpected(answer, "not JSON (" + e.getOriginalMessage() + ")");
    }
  }

  private DagRun parseDagRun(Answer answer, JsonNode node, String dagId) {
    return new DagRun(
        text(node, "dag_id").orElse(dagId),
        text(node, "dag_run_id").orElseThrow(() -> unexpected(answer, "no 'dag_run_id'")),
        text(node, "state").orElseThrow(() -> unexpected(answer, "no 'state'")),
        text(node, "logical_date"));
  }

  private static Optional<String> text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? Optional.empty() : Optional.of(value.asText());
  }

  private AirflowException failure(Answer answer, String message) {
    return new AirflowException(
        message
            + " ("
            + answer.method()
            + " "
            + answer.uri()
            + " answered "
            + answer.status()
            + explain(answer.body()).map(d -> ": " + d).orElse("")
            + ")",
        answer.status(),
        answer.uri());
  }

  private AirflowException unexpected(Answer answer, String problem) {
    String body = answer.body();
    if (body.length() > SHOWN_BODY_CHARS) {
      body = body.substring(0, SHOWN_BODY_CHARS) + "…";
    }
    return new AirflowException(
        "Unexpected answer to "
            + answer.method()
            + " "
            + answer.uri()
            + " (HTTP "
            + answer.status()
            + "): "
            + problem
            + " in "
            + body,
        answer.status(),
        answer.uri());
  }

  /**
   * Airflow's own explanation from an error body: Airflow 2's problem JSON ({@code title}, {@code
   * detail}), Airflow 3's {@code detail} (a string, an object, or FastAPI's list of validation
   * errors with {@code loc} and {@code msg}), or the start of a body that is not JSON.
   */
  Optional<String> explain(String body) {
    if (body == null || body.isBlank()) {
      return Optional.empty();
    }
    JsonNode node;
    try {
      node = json.readTree(body);
    } catch (JsonProcessingException e) {
      String text = body.strip();
      return Optional.of(
          text.length() > SHOWN_BODY_CHARS ? text.substring(0, SHOWN_BODY_CHARS) + "…" : text);
    }
    if (node == null || !node.isObject()) {
      return Optional.of(body.strip());
    }
    List<String> parts = new ArrayList<>();
    text(node, "title").ifPresent(parts::add);
    JsonNode detail = node.get("detail");
    if (detail != null && !detail.isNull()) {
      if (detail.isArray()) {
        List<String> errors = new ArrayList<>();
        for (JsonNode error : detail) {
          List<String> location = new ArrayList<>();
          error.path("loc").forEach(part -> location.add(part.asText()));
          String where = String.join(".", location);
          String message = error.path("msg").asText(error.toString());
          errors.add(where.isEmpty() ? message : where + ": " + message);
        }
        parts.add(String.join("; ", errors));
      } else if (detail.isObject()) {
        parts.add(text(detail, "reason").orElse(detail.toString()));
      } else if (!parts.contains(detail.asText())) {
        parts.add(detail.asText());
      }
    }
    return parts.isEmpty() ? Optional.of(body.strip()) : Optional.of(String.join(" - ", parts));
  }

  private static String describe(Duration duration) {
    return duration.toMillis() % 1000 == 0
        ? duration.toSeconds() + " s"
        : duration.toMillis() + " ms";
  }

  /** One answer that is not 5xx, and the attempt that got it. */
  private record Answer(String method, URI uri, int status, String body, int attempts) {}
}
