package io.adapterforge.jobs;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.adapterforge.evaluate.EvaluationLayout;
import io.adapterforge.evaluation.registry.AdapterRegistry;
import io.adapterforge.evaluation.registry.AdapterVersion;
import io.adapterforge.evaluation.registry.PublishRequest;
import io.adapterforge.files.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The publish job: reads an evaluation's {@code gate.json} and, for each adapter the gate passed,
 * publishes its PEFT folder as the adapter's next registry version (artifacts copied and verified
 * before the database commit; see {@link AdapterRegistry#publish}) and points the {@code candidate}
 * and {@code production} aliases at it. Adapters the gate rejected are reported with its reason and
 * left alone. Idempotent per (adapter, run): a rerun finds the versions its run published and moves
 * no alias. An adapter whose {@code production} alias moved since the evaluation compared against
 * it is not published (the comparison is stale: evaluate again), nor one whose weights equal the
 * production version's (a rerun on unchanged data).
 *
 * <p>Writes {@code published.json} beside {@code gate.json}.
 */
public final class PublishJob {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The file this job writes into the evaluation folder. */
  public static final String RESULT_FILE = "published.json";

  private PublishJob() {}

  /**
   * What to publish.
   *
   * @param evaluation the evaluation folder (with {@code gate.json})
   * @param registryUrl the registry's JDBC URL
   * @param registryStore the registry's artifact store (folder or Hadoop URI)
   */
  public record Request(Path evaluation, String registryUrl, String registryStore) {
    public Request {
      evaluation = requireNonNull(evaluation, "evaluation is null").toAbsolutePath().normalize();
      requireNonNull(registryUrl, "registryUrl is null");
      requireNonNull(registryStore, "registryStore is null");
    }
  }

  /** What happened to one adapter. */
  public enum Status {
    /** A new version was published and made production. */
    PUBLISHED,
    /** This run had published it already; nothing changed. */
    ALREADY_PUBLISHED,
    /** The gate rejected it. */
    REJECTED,
    /** Production moved since the evaluation; not published. */
    STALE,
    /** Its weights equal production's (a rerun on unchanged data); no new version. */
    UNCHANGED
  }

  /**
   * @param adapterId the adapter
   * @param status what happened
   * @param version the registry version (published or found), 0 when none
   * @param reason the gate's reason, or why it was not published
   */
  public record Outcome(String adapterId, Status status, int version, String reason) {}

  /**
   * @param runId the evaluated run
   * @param outcomes one per adapter of the evaluation
   */
  public record Result(String runId, List<Outcome> outcomes) {
    /** The adapters this job published. */
    public long published() {
      return outcomes.stream().filter(o -> o.status() == Status.PUBLISHED).count();
    }

    /** One line per adapter. */
    public String table() {
      StringBuilder text = new StringBuilder();
      text.append(
          String.format(
              Locale.ROOT, "%-20s %-17s %7s %s%n", "adapter", "status", "version", "reason"));
      for (Outcome o : outcomes) {
        text.append(
            String.format(
                Locale.ROOT,
                "%-20s %-17s %7s %s%n",
                o.adapterId(),
                o.status().name().toLowerCase(Locale.ROOT),
                o.version() == 0 ? "-" : "v" + o.version(),
                o.reason()));
      }
      return text.toString();
    }
  }

  /**
   * Runs the job.
   *
   * @throws IllegalArgumentException when {@code gate.json} is missing or not one this version
   *     wrote
   */
  public static Result run(Request request, Consumer<String> progress) {
    Path gateFile = request.evaluation().resolve(EvaluationLayout.GATE_FILE);
    JsonNode gate = readGate(gateFile);
    String runId = gate.path("run_id").asText();
    List<Outcome> outcomes = new ArrayList<>();
    try (AdapterRegistry registry =
        AdapterRegistry.open(request.registryUrl(), request.registryStore())) {
      for (JsonNode entry : gate.path("adapters")) {
        String id = entry.path("adapter_id").asText();
        String reason = entry.path("reason").asText();
        Optional<AdapterVersion> mine =
            registry.versions(id).stream().filter(v -> v.runId().equals(runId)).findFirst();
        if (mine.isPresent()) {
          outcomes.add(
              new Outcome(
                  id,
                  Status.ALREADY_PUBLISHED,
                  mine.get().version(),
                  "run " + runId + " published it already"));
          continue;
        }
        if (!entry.path("published").asBoolean()) {
          outcomes.add(new Outcome(id, Status.REJECTED, 0, reason));
          continue;
        }
        Optional<AdapterVersion> production = registry.alias(id, AdapterRegistry.PRODUCTION);
        int compared = entry.path("production_version").asInt(0);
        int current = production.map(AdapterVersion::version).orElse(0);
        if (current != compared) {
          outcomes.add(
              new Outcome(
                  id,
                  Status.STALE,
                  0,
                  String.format(
                      Locale.ROOT,
                      "production is v%d now, the evaluation compared with %s: evaluate again",
                      current,
                      compared == 0 ? "none" : "v" + compared)));
          continue;
        }
        String artifact = entry.path("artifact").asText();
        if (production.isPresent() && registry.sameAdapter(production.get(), artifact)) {
          outcomes.add(
              new Outcome(
                  id,
                  Status.UNCHANGED,
                  current,
                  "same weights as production v" + current + ": no new version"));
          continue;
        }
        AdapterVersion version =
            registry.publish(
                PublishRequest.builder()
                    .setAdapterId(id)
                    .setRunId(runId)
                    .setArtifactUri(artifact)
                    .setBaseModelFingerprint(gate.path("base_model_fingerprint").asText())
                    .setPreparedDataFingerprint(gate.path("prepared_fingerprint").asText())
                    .optConfigJson(config(gate).toString())
                    .optMetricsJson(metrics(entry).toString())
                    .build());
        registry.setAlias(id, AdapterRegistry.CANDIDATE, version.version());
        registry.promote(id, version.version());
        progress.accept(
            String.format(
                Locale.ROOT, "Published %s v%d (production); %s", id, version.version(), reason));
        outcomes.add(new Outcome(id, Status.PUBLISHED, version.version(), reason));
      }
    }
    Result result = new Result(runId, outcomes);
    writeResult(request.evaluation().resolve(RESULT_FILE), result);
    progress.accept(result.table().stripTrailing());
    return result;
  }

  private static JsonNode readGate(Path gateFile) {
    if (!Files.isRegularFile(gateFile)) {
      throw new IllegalArgumentException(
          "Cannot publish: "
              + gateFile
              + " does not exist (give the folder that evaluate wrote with --evaluation)");
    }
    JsonNode gate;
    try {
      gate = JSON.readTree(gateFile.toFile());
    } catch (IOException e) {
      throw new IllegalArgumentException("Cannot read " + gateFile + ": " + e.getMessage(), e);
    }
    if (!EvaluationLayout.GATE_FORMAT.equals(gate.path("format").asText())) {
      throw new IllegalArgumentException(
          "Cannot publish from "
              + gateFile
              + ": its format is '"
              + gate.path("format").asText()
              + "', expected '"
              + EvaluationLayout.GATE_FORMAT
              + "'");
    }
    return gate;
  }

  private static ObjectNode config(JsonNode gate) {
    ObjectNode config = JSON.createObjectNode();
    config.put("base_model", gate.path("base_model").asText());
    config.put("prepared", gate.path("prepared").asText());
    config.set("gate", gate.path("gate"));
    return config;
  }

  private static ObjectNode metrics(JsonNode entry) {
    ObjectNode metrics = JSON.createObjectNode();
    for (String field :
        List.of(
            "test_rows",
            "base_nll",
            "adapter_nll",
            "production_version",
            "production_nll",
            "task_metrics")) {
      if (entry.has(field)) {
        metrics.set(field, entry.get(field));
      }
    }
    return metrics;
  }

  private static void writeResult(Path target, Result result) {
    try {
      AtomicFiles.write(target, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(result));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot encode " + RESULT_FILE, e);
    }
  }
}
