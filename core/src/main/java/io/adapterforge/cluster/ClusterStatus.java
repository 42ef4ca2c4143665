package io.adapterforge.cluster;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.Optional;

/**
 * A snapshot of the local cluster.
 *
 * @param state what {@code cluster start} recorded
 * @param alive for each recorded role, whether its process still runs
 * @param masterView the master's own JSON view of its workers and applications, when it answers
 */
public record ClusterStatus(
    ClusterState state, Map<String, Boolean> alive, Optional<JsonNode> masterView) {
  public ClusterStatus {
    requireNonNull(state, "state is null");
    alive = Map.copyOf(requireNonNull(alive, "alive is null"));
    requireNonNull(masterView, "masterView is null");
  }

  /** Human-readable lines: URLs, each process, and each worker as the master sees it. */
  public String describe() {
    StringBuilder out = new StringBuilder();
    out.append("master     ").append(state.masterUrl()).append('\n');
    out.append("web UI     ").append(state.webUiUrl()).append('\n');
    for (ClusterProcess process : state.processes()) {
      out.append(
          String.format(
              "%-10s pid %-8d %s  log %s%n",
              process.role(),
              process.pid(),
              Boolean.TRUE.equals(alive.get(process.role())) ? "running" : "NOT RUNNING",
              process.log()));
    }
    if (masterView.isEmpty()) {
      out.append("the master does not answer on ").append(state.webUiUrl()).append('\n');
      return out.toString();
    }
    JsonNode view = masterView.get();
    out.append(
        String.format(
            "workers    %d alive, %d cores (%d used), %d running applications%n",
            aliveWorkers(),
            view.path("cores").asInt(),
            view.path("coresused").asInt(),
            view.path("activeapps").size()));
    for (JsonNode worker : view.path("workers")) {
      JsonNode gpus = worker.path("resources").path("gpu").path("addresses");
      out.append(
          String.format(
              "  %s %s:%d %s, %d cores, %d MiB%s%n",
              worker.path("id").asText(),
              worker.path("host").asText(),
              worker.path("port").asInt(),
              worker.path("state").asText(),
              worker.path("cores").asInt(),
              worker.path("memory").asInt(),
              gpus.isArray() && !gpus.isEmpty() ? ", GPUs " + gpus : ""));
    }
    return out.toString();
  }

  /** Workers the master reports alive; 0 when the master does not answer. */
  public int aliveWorkers() {
    return masterView.map(view -> view.path("aliveworkers").asInt()).orElse(0);
  }

  /** True when every recorded process runs. */
  public boolean allAlive() {
    return alive.values().stream().allMatch(Boolean::booleanValue);
  }
}
