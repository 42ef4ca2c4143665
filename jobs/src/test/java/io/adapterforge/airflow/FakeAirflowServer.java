package io.adapterforge.airflow;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-process Airflow REST API on 127.0.0.1 that enforces the real request contract, for tests of
 * {@link AirflowClient} and {@code adapterforge airflow}. Shapes follow Airflow's OpenAPI ({@code
 * TriggerDAGRunPostBody}, {@code DAGRunResponse}, {@code TaskInstanceCollectionResponse}) and its
 * error bodies: Airflow 3 (FastAPI) answers {@code {"detail": …}} and 422 with a list of {@code
 * {type, loc, msg}} for a body that fails validation; Airflow 2 (connexion) answers problem JSON
 * ({@code detail}, {@code status}, {@code title}, {@code type}) and 400 for a bad body.
 *
 * <ul>
 *   <li>Airflow 3 ({@code apiVersion} 3): {@code POST /auth/token} takes exactly {@code
 *       {"username","password"}} and answers 201 {@code {"access_token"}}; {@code /api/v2/…} needs
 *       {@code Authorization: Bearer} with a token it issued and has not expired.
 *   <li>Airflow 2: {@code /api/v1/…} needs HTTP basic auth with the right credentials.
 *   <li>Trigger: the body must be a JSON object with only the fields Airflow knows; Airflow 3
 *       requires {@code logical_date} (present, {@code null} or a timezone-aware time), Airflow 2
 *       refuses {@code null} there; {@code conf} must be an object. Unknown DAG: 404; a taken
 *       {@code dag_run_id}: 409.
 *   <li>Runs advance one {@link Step} per read of the run ({@code GET …/dagRuns/{id}}); their task
 *       instances show the current step. Task lists honour {@code limit} and {@code offset}.
 *   <li>{@link #failNext} answers the next requests 503; {@link #failNextAfterHandling} handles
 *       them and then answers 503 (a lost answer); {@link #stallNext} holds them before answering.
 * </ul>
 *
 * <p>Thread-safe; handlers run on their own threads so that a stalled one does not block others.
 */
public final class FakeAirflowServer implements AutoCloseable {
  /** One state of a run: the run's state and each task's state ({@code null}: no state yet). */
  public record Step(String runState, Map<String, String> taskStates) {}

  /**
   * A run in which the tasks go queued, running, success one after the other, ending with {@code
   * failedTask} failed (its downstream tasks {@code upstream_failed}, the run {@code failed}), or
   * with every task and the run succeeded when {@code failedTask} is null.
   */
  public static List<Step> script(List<String> taskIds, String failedTask) {
    List<Step> steps = new ArrayList<>();
    Map<String, String> states = new LinkedHashMap<>();
    taskIds.forEach(task -> states.put(task, null));
    steps.add(new Step("queued", new LinkedHashMap<>(states)));
    for (int i = 0; i < taskIds.size(); i++) {
      String task = taskIds.get(i);
      for (String state : List.of("queued", "running")) {
        states.put(task, state);
        steps.add(new Step("running", new LinkedHashMap<>(states)));
      }
      if (task.equals(failedTask)) {
        states.put(task, "failed");
        taskIds.subList(i + 1, taskIds.size()).forEach(t -> states.put(t, "upstream_failed"));
        steps.add(new Step("failed", new LinkedHashMap<>(states)));
        return steps;
      }
      states.put(task, "success");
      steps.add(
          new Step(i == taskIds.size() - 1 ? "success" : "running", new LinkedHashMap<>(states)));
    }
    return steps;
  }

  private static final Set<String> V3_TRIGGER_FIELDS =
      Set.of(
          "dag_run_id",
          "data_interval_start",
          "data_interval_end",
          "logical_date",
          "run_after",
          "conf",
          "note",
          "partition_key");
  private static final Set<String> V2_TRIGGER_FIELDS =
      Set.of(
          "dag_run_id",
          "logical_date",
          "execution_date",
          "data_interval_start",
          "data_interval_end",
          "conf",
          "note");
  private static final String PROBLEM_TYPE =
      "https://airflow.apache.org/docs/apache-airflow/2.10.5/stable-rest-api-ref.html#section/Errors/";

  private final int apiVersion;
  private final String user;
  private final String password;
  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final ObjectMapper json = new ObjectMapper();
  private final AtomicInteger tokenCounter = new AtomicInteger();

  private final Map<String, List<String>> dags = new LinkedHashMap<>();
  private final Map<String, List<Step>> scripts = new LinkedHashMap<>();
  private final Map<String, Run> runs = new LinkedHashMap<>();
  private final Set<String> validTokens = new HashSet<>();
  private final List<String> requests = new ArrayList<>();
  private final List<JsonNode> triggerBodies = new ArrayList<>();
  private int failuresLeft;
  private int failuresAfterHandlingLeft;
  private int stallsLeft;
  private Duration stall = Duration.ZERO;

  private FakeAirflowServer(int apiVersion, String user, String password) throws IOException {
    this.apiVersion = apiVersion;
    this.user = user;
    this.password = password;
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  /** Starts a fake Airflow 3 ({@code apiVersion} 3) or Airflow 2 (2) that knows one user. */
  public static FakeAirflowServer start(int apiVersion, String user, String password)
      throws IOException {
    return new FakeAirflowServer(apiVersion, user, password);
  }

  /** 3 for Airflow 3, 2 for Airflow 2. */
  public int apiVersion() {
    return apiVersion;
  }

  /** The base URL, e.g. {@code http://127.0.0.1:43210}. */
  public URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** Adds a DAG with these tasks; its new runs follow {@code script} (at least one step). */
  public synchronized void addDag(String dagId, List<String> taskIds, List<Step> script) {
    dags.put(dagId, List.copyOf(taskIds));
    scripts.put(dagId, List.copyOf(script));
  }

  /** Adds an existing run of a known DAG that follows {@code script}. */
  public synchronized void addRun(String dagId, String runId, List<Step> script) {
    runs.put(
        dagId + "/" + runId, new Run(dagId, runId, List.copyOf(script), json.createObjectNode()));
  }

  /** The next {@code count} requests are answered 503 without being handled. */
  public synchronized void failNext(int count) {
    failuresLeft = count;
  }

  /** The next {@code count} requests are handled, but answered 503 (the answer is lost). */
  public synchronized void failNextAfterHandling(int count) {
    failuresAfterHandlingLeft = count;
  }

  /** The next {@code count} requests wait {@code duration} before being handled. */
  public synchronized void stallNext(int count, Duration duration) {
    stallsLeft = count;
    stall = duration;
  }

  /** Every token issued so far stops working, as when they expire. */
  public synchronized void expireTokens() {
    validTokens.clear();
  }

  /** Every request received, as {@code METHOD /path?query}, in order. */
  public synchronized List<String> requests() {
    return List.copyOf(requests);
  }

  /** The bodies of the trigger requests that were accepted, in order. */
  public synchronized List<JsonNode> triggerBodies() {
    return List.copyOf(triggerBodies);
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String method = exchange.getRequestMethod();
      URI uri = exchange.getRequestURI();
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readAllBytes();
      }
      Duration wait = Duration.ZERO;
      boolean failBefore;
      boolean failAfter = false;
      synchronized (this) {
        requests.add(
            method
                + " "
                + uri.getRawPath()
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()));
        if (stallsLeft > 0) {
          stallsLeft--;
          wait = stall;
        }
        failBefore = failuresLeft > 0;
        if (failBefore) {
          failuresLeft--;
        } else if (failuresAfterHandlingLeft > 0) {
          failuresAfterHandlingLeft--;
          failAfter = true;
        }
      }
      if (!wait.isZero()) {
        try {
          Thread.sleep(wait.toMillis());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
      if (failBefore) {
        send(exchange, 503, "{\"detail\":\"Service Unavailable\"}");
        return;
      }
      Reply reply =
          route(
              method,
              uri.getPath(),
              uri.getRawQuery(),
              exchange,
              new String(body, StandardCharsets.UTF_8));
      if (failAfter) {
        send(exchange, 503, "{\"detail\":\"Service Unavailable\"}");
      } else {
        send(exchange, reply.status(), reply.body());
      }
    }
  }

  private synchronized Reply route(
      String method, String path, String query, HttpExchange exchange, String body) {
    if (apiVersion == 3 && path.equals("/auth/token")) {
      return method.equals("POST")
          ? token(body)
          : error(405, "Method Not Allowed", "Method Not Allowed");
    }
    String prefix = apiVersion == 3 ? "/api/v2/" : "/api/v1/";
    if (!path.startsWith(prefix)) {
      return error(404, "Not Found", "Not Found");
    }
    String authorization = exchange.getRequestHeaders().getFirst("Authorization");
    if (!authorized(authorization)) {
      if (apiVersion == 2) {
        exchange.getResponseHeaders().add("WWW-Authenticate", "Basic");
      }
      return error(
          401, "Unauthorized", authorization == null ? "Not authenticated" : "Invalid credentials");
    }
    String[] parts = path.substring(prefix.length()).split("/", -1);
    if (parts.length == 3 && parts[0].equals("dags") && parts[2].equals("dagRuns")) {
      return method.equals("POST")
          ? trigger(parts[1], body)
          : error(405, "Method Not Allowed", "Method Not Allowed");
    }
    if (parts.length == 4 && parts[0].equals("dags") && parts[2].equals("dagRuns")) {
      return method.equals("GET")
          ? getRun(parts[1], parts[3])
          : error(405, "Method Not Allowed", "Method Not Allowed");
    }
    if (parts.length == 5
        && parts[0].equals("dags")
        && parts[2].equals("dagRuns")
        && parts[4].equals("taskInstances")) {
      return method.equals("GET")
          ? taskInstances(parts[1], parts[3], query)
          : error(405, "Method Not Allowed", "Method Not Allowed");
    }
    return error(404, "Not Found", "Not Found");
  }

  private boolean authorized(String authorization) {
    if (authorization == null) {
      return false;
    }
    if (apiVersion == 3) {
      return authorization.startsWith("Bearer ")
          && validTokens.contains(authorization.substring("Bearer ".length()));
    }
    String expected =
        "Basic "
            + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    return authorization.equals(expected);
  }

  private Reply token(String body) {
    JsonNode request;
    try {
      request = json.readTree(body);
    } catch (JsonProcessingException e) {
      return validation("json_invalid", List.of("body", 0), "JSON decode error");
    }
    if (request == null || !request.isObject()) {
      return validation(
          "model_attributes_type", List.of("body"), "Input should be a valid dictionary");
    }
    for (String field : List.of("username", "password")) {
      if (!request.hasNonNull(field)) {
        return validation("missing", List.of("body", field), "Field required");
      }
    }
    if (!request.get("username").asText().equals(user)
        || !request.get("password").asText().equals(password)) {
      return error(401, "Unauthorized", "Invalid credentials");
    }
    String token = "token-" + tokenCounter.incrementAndGet();
    validTokens.add(token);
    return new Reply(201, json.createObjectNode().put("access_token", token).toString());
  }

  private Reply trigger(String dagId, String body) {
    JsonNode request;
    try {
      request = json.readTree(body);
    } catch (JsonProcessingException e) {
      return apiVersion == 3
          ? validation("json_invalid", List.of("body", 0), "JSON decode error")
          : error(400, "Bad Request", "Request body is not valid JSON");
    }
    if (request == null || !request.isObject()) {
      return apiVersion == 3
          ? validation(
              "model_attributes_type", List.of("body"), "Input should be a valid dictionary")
          : error(400, "Bad Request", "Request body must be an object");
    }
    Set<String> allowed = apiVersion == 3 ? V3_TRIGGER_FIELDS : V2_TRIGGER_FIELDS;
    for (var names = request.fieldNames(); names.hasNext(); ) {
      String field = names.next();
      if (!allowed.contains(field)) {
        return apiVersion == 3
            ? validation(
                "extra_forbidden", List.of("body", field), "Extra inputs are not permitted")
            : error(400, "Bad Request", "{'" + field + "': ['Unknown field.']}");
      }
    }
    JsonNode logicalDate = request.get("logical_date");
    if (apiVersion == 3 && logicalDate == null) {
      return validation("missing", List.of("body", "logical_date"), "Field required");
    }
    if (apiVersion == 2 && logicalDate != null && logicalDate.isNull()) {
      return error(400, "Bad Request", "{'logical_date': ['Field may not be null.']}");
    }
    if (logicalDate != null && !logicalDate.isNull()) {
      try {
        if (OffsetDateTime.parse(logicalDate.asText()).getOffset() == null) {
          throw new DateTimeParseException("no offset", logicalDate.asText(), 0);
        }
      } catch (DateTimeParseException e) {
        return apiVersion == 3
            ? validation(
                "datetime_from_date_parsing",
                List.of("body", "logical_date"),
                "Input should be a valid datetime")
            : error(400, "Bad Request", "{'logical_date': ['Not a valid datetime.']}");
      }
    }
    JsonNode conf = request.get("conf");
    if (conf != null && !conf.isNull() && !conf.isObject()) {
      return apiVersion == 3
          ? validation("dict_type", List.of("body", "conf"), "Input should be a valid dictionary")
          : error(400, "Bad Request", "{'conf': ['Not a valid mapping type.']}");
    }
    if (!dags.containsKey(dagId)) {
      return apiVersion == 3
          ? error(404, "Not Found", "The Dag with ID: `" + dagId + "` was not found")
          : error(404, "DAG not found", "DAG with dag_id: '" + dagId + "' not found");
    }
    String runId =
        request.hasNonNull("dag_run_id")
            ? request.get("dag_run_id").asText()
            : "manual__" + OffsetDateTime.now(ZoneOffset.UTC);
    if (runs.containsKey(dagId + "/" + runId)) {
      return apiVersion == 3
          ? error(409, "Conflict", "DAG Run with run_id: `" + runId + "` already exists")
          : error(
              409,
              "Conflict",
              "DAGRun with DAG ID: '" + dagId + "' and DAGRun ID: '" + runId + "' already exists");
    }
    Run run =
        new Run(
            dagId,
            runId,
            scripts.get(dagId),
            conf == null || conf.isNull() ? json.createObjectNode() : (ObjectNode) conf);
    runs.put(dagId + "/" + runId, run);
    triggerBodies.add(request);
    return new Reply(200, runJson(run).toString());
  }

  private Reply getRun(String dagId, String runId) {
    Run run = runs.get(dagId + "/" + runId);
    if (run == null) {
      return runNotFound(dagId, runId);
    }
    run.advance();
    return new Reply(200, runJson(run).toString());
  }

  private Reply taskInstances(String dagId, String runId, String query) {
    Run run = runs.get(dagId + "/" + runId);
    if (run == null) {
      return runNotFound(dagId, runId);
    }
    int limit = 50;
    int offset = 0;
    if (query != null) {
      for (String pair : query.split("&")) {
        String[] keyValue = pair.split("=", 2);
        if (keyValue.length == 2 && keyValue[0].equals("limit")) {
          limit = Integer.parseInt(keyValue[1]);
        } else if (keyValue.length == 2 && keyValue[0].equals("offset")) {
          offset = Integer.parseInt(keyValue[1]);
        }
      }
    }
    List<String> taskIds = new ArrayList<>(run.step().taskStates().keySet());
    ArrayNode items = json.createArrayNode();
    for (int i = offset; i < Math.min(taskIds.size(), offset + limit); i++) {
      String taskId = taskIds.get(i);
      String state = run.step().taskStates().get(taskId);
      ObjectNode item = items.addObject();
      item.put("task_id", taskId);
      item.put("dag_id", dagId);
      item.put("dag_run_id", runId);
      item.put("map_index", -1);
      item.putNull("start_date");
      item.putNull("end_date");
      if (state == null) {
        item.putNull("state");
      } else {
        item.put("state", state);
      }
      item.put("try_number", state == null ? 0 : 1);
      item.put("operator", "SparkSubmitOperator");
      item.put("pool", "default_pool");
      item.put("queue", "default");
    }
    ObjectNode page = json.createObjectNode();
    page.set("task_instances", items);
    page.put("total_entries", taskIds.size());
    return new Reply(200, page.toString());
  }

  private Reply runNotFound(String dagId, String runId) {
    return apiVersion == 3
        ? error(
            404,
            "Not Found",
            "The DagRun with dag_id: `" + dagId + "` and run_id: `" + runId + "` was not found")
        : error(
            404,
            "DAGRun not found",
            "DAGRun with DAG ID: '" + dagId + "' and DagRun ID: '" + runId + "' not found");
  }

  private ObjectNode runJson(Run run) {
    ObjectNode node = json.createObjectNode();
    node.put("dag_run_id", run.runId);
    node.put("dag_id", run.dagId);
    node.putNull("logical_date");
    node.putNull("start_date");
    node.putNull("end_date");
    node.putNull("data_interval_start");
    node.putNull("data_interval_end");
    node.putNull("last_scheduling_decision");
    node.put("run_type", "manual");
    node.put("state", run.step().runState());
    node.set("conf", run.conf);
    node.putNull("note");
    if (apiVersion == 3) {
      node.put("queued_at", run.created.toString());
      node.put("run_after", run.created.toString());
      node.put("triggered_by", "rest_api");
      node.putArray("dag_versions");
    } else {
      node.putNull("execution_date");
      node.put("external_trigger", true);
    }
    return node;
  }

  /** A 422 as FastAPI (Airflow 3) answers a body that fails validation. */
  private Reply validation(String type, List<Object> location, String message) {
    ObjectNode error = json.createObjectNode();
    error.put("type", type);
    ArrayNode loc = error.putArray("loc");
    for (Object part : location) {
      if (part instanceof Integer index) {
        loc.add(index);
      } else {
        loc.add(part.toString());
      }
    }
    error.put("msg", message);
    ObjectNode body = json.createObjectNode();
    body.putArray("detail").add(error);
    return new Reply(422, body.toString());
  }

  /** An error as Airflow 3 ({@code {"detail"}}) or Airflow 2 (problem JSON) answers it. */
  private Reply error(int status, String title, String detail) {
    ObjectNode body = json.createObjectNode();
    body.put("detail", detail);
    if (apiVersion == 2) {
      body.put("status", status);
      body.put("title", title);
      body.put("type", PROBLEM_TYPE + title.replace(" ", ""));
    }
    return new Reply(status, body.toString());
  }

  private static void send(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange
        .getResponseHeaders()
        .set(
            "Content-Type",
            status >= 400 && status < 500 && body.contains("\"title\"")
                ? "application/problem+json"
                : "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  private record Reply(int status, String body) {}

  private static final class Run {
    final String dagId;
    final String runId;
    final List<Step> script;
    final ObjectNode conf;
    final OffsetDateTime created = OffsetDateTime.now(ZoneOffset.UTC);
    int reads;

    Run(String dagId, String runId, List<Step> script, ObjectNode conf) {
      this.dagId = dagId;
      this.runId = runId;
      this.script = script;
      this.conf = conf;
    }

    /** Step 0 until the first read, then one step further per read, staying on the last. */
    Step step() {
      return script.get(Math.min(Math.max(reads - 1, 0), script.size() - 1));
    }

    void advance() {
      reads++;
    }
  }
}
