package io.adapterforge.jobs;

import static java.util.Objects.requireNonNull;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.from_json;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.adapterforge.config.AdapterforgeConfig;
import io.adapterforge.config.EvaluateConfig;
import io.adapterforge.dataset.PreparedLayout;
import io.adapterforge.evaluate.EvalOutcome;
import io.adapterforge.evaluate.EvalSettings;
import io.adapterforge.evaluate.EvalTask;
import io.adapterforge.evaluate.EvalWork;
import io.adapterforge.evaluate.EvaluationLayout;
import io.adapterforge.evaluation.gate.GateConfig;
import io.adapterforge.evaluation.gate.GateDecision;
import io.adapterforge.evaluation.gate.GateInput;
import io.adapterforge.evaluation.gate.PublishGate;
import io.adapterforge.evaluation.metrics.TaskMetrics;
import io.adapterforge.evaluation.metrics.TaskMetricsAccumulator;
import io.adapterforge.evaluation.metrics.ToolCallDetector;
import io.adapterforge.evaluation.registry.AdapterRegistry;
import io.adapterforge.evaluation.registry.AdapterVersion;
import io.adapterforge.evaluation.report.AdapterReportRow;
import io.adapterforge.evaluation.report.CrossAdapterMatrix;
import io.adapterforge.evaluation.report.EvaluationReport;
import io.adapterforge.evaluation.report.HtmlReportRenderer;
import io.adapterforge.evaluation.report.LossCurve;
import io.adapterforge.evaluation.report.LossPoint;
import io.adapterforge.evaluation.report.MetricsTable;
import io.adapterforge.evaluation.report.ToolCallMatrix;
import io.adapterforge.evaluation.router.AdapterRouter;
import io.adapterforge.evaluation.router.RouterConfig;
import io.adapterforge.evaluation.router.RouterEvaluation;
import io.adapterforge.evaluation.router.RouterModel;
import io.adapterforge.files.AtomicFiles;
import io.adapterforge.preprocessing.encode.Fingerprints;
import io.adapterforge.preprocessing.encode.SpecialTokenSet;
import io.adapterforge.preprocessing.encode.TokenizerCache;
import io.adapterforge.train.AdapterOutcome;
import io.adapterforge.train.SlotPartitioner;
import io.adapterforge.train.TrainLayout;
import io.adapterforge.trainer.peft.PeftAdapter;
import io.adapterforge.trainer.peft.PeftAdapterConfig;
import io.adapterforge.trainer.plan.AdapterWork;
import io.adapterforge.trainer.plan.TrainPlan;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.Tuple2;

/**
 * The evaluate job. For the trained adapters of a run it measures, on each adapter's test split
 * (capped at {@code evaluate.max-rows-per-split} rows, the first by example id, so every scorer
 * sees the same rows): the mean NLL with the bare base model and with the adapter; the
 * cross-adapter matrix (every adapter on every test split) plus the averaged mixture of all
 * adapters; the NLL of the current {@code production} version, when the registry has one on the
 * same base model; greedy replies (KV cache) of every adapter to the first test prompts of every
 * tenant ({@code evaluate.max-generations} each), scored for exact match, token F1 and tool calls —
 * on its own tenant's prompts for the gate, on all of them for the tool-call matrix (quadratic in
 * adapters like the NLL matrix: lower the caps for runs of hundreds of adapters). It fails when an
 * adapter changes nothing (scores and replies equal the base's: it was not applied). It trains the
 * router on the train splits' user turns, applies the publish gate, and writes {@code report.html},
 * {@code report.json}, {@code metrics.parquet}, {@code router/} and {@code gate.json} (what publish
 * reads) under the output.
 *
 * <p>Spark tasks: one {@link EvalWork} per scorer, balanced over the slots by longest work first;
 * each task uses its executor's cached base model and swaps only LoRA weights between works. Only
 * summed losses and generated token ids come back to the driver.
 */
public final class EvaluateJob {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The scorer name of the bare base model. */
  public static final String BASE = "base";

  /** The scorer name of the averaged mixture of every adapter. */
  public static final String MIXTURE = "mixture";

  private static final String PRODUCTION_PREFIX = "production:";

  private EvaluateJob() {}

  /**
   * Run-wide settings ({@code evaluate.*}, {@code publish.*}).
   *
   * @param maxRowsPerSplit test rows scored per split
   * @param batchSize rows per forward pass
   * @param maxGenerations test prompts per adapter that get a generated reply
   * @param maxNewTokens the longest generated reply
   * @param toolCalls what counts as a tool call
   * @param router the router's settings
   * @param gate the publish gate's settings
   */
  public record Settings(
      int maxRowsPerSplit,
      int batchSize,
      int maxGenerations,
      int maxNewTokens,
      ToolCallDetector toolCalls,
      RouterConfig router,
      GateConfig gate) {
    public Settings {
      requireNonNull(toolCalls, "toolCalls is null");
      requireNonNull(router, "router is null");
      requireNonNull(gate, "gate is null");
    }

    /** The settings of {@code evaluate.*} and {@code publish.*}. */
    public static Settings from(AdapterforgeConfig config) {
      EvaluateConfig evaluate = config.evaluate();
      return new Settings(
          evaluate.maxRowsPerSplit(),
          evaluate.batchSize(),
          evaluate.maxGenerations(),
          evaluate.maxNewTokens(),
          ToolCallDetector.of(evaluate.toolCall().patterns()),
          RouterConfig.from(evaluate),
          GateConfig.from(config.publish()));
    }
  }

  /**
   * What to evaluate.
   *
   * @param prepared the prepared dataset root (local path or Hadoop URI)
   * @param trained the train job's output folder ({@code adapters/<id>/}, {@code
   *     train_results.parquet}), or its {@code adapters} folder
   * @param baseModel the base model folder (local path or Hadoop URI)
   * @param output local folder for the evaluation
   * @param runId the run id, recorded in the report and gate file
   * @param adapters the adapters to evaluate; empty for every trained one
   * @param registryUrl the registry's JDBC URL, to compare with {@code production}; empty to skip
   * @param registryStore the registry's artifact store
   */
  public record Request(
      String prepared,
      Path trained,
      String baseModel,
      Path output,
      String runId,
      List<String> adapters,
      Settings settings,
      Optional<String> registryUrl,
      String registryStore) {
    public Request {
      requireNonNull(prepared, "prepared is null");
      trained = requireNonNull(trained, "trained is null").toAbsolutePath().normalize();
      requireNonNull(baseModel, "baseModel is null");
      output = requireNonNull(output, "output is null").toAbsolutePath().normalize();
      requireNonNull(runId, "runId is null");
      adapters = List.copyOf(requireNonNull(adapters, "adapters is null"));
      requireNonNull(settings, "settings is null");
      requireNonNull(registryUrl, "registryUrl is null");
      requireNonNull(registryStore, "registryStore is null");
    }
  }

  /**
   * How it went.
   *
   * @param report what the report shows
   * @param output the evaluation folder
   */
  public record Result(EvaluationReport report, Path output) {
    /** One line per adapter: the morning summary. */
    public String table() {
      StringBuilder text = new StringBuilder();
      text.append(
          String.format(
              Locale.ROOT,
              "%-20s %8s %8s %10s %10s %8s %7s %7s %s%n",
              "adapter",
              "base_nll",
              "nll",
              "base_ppl",
              "ppl",
              "gain",
              "tok_f1",
              "tool_f1",
              "gate"));
      for (AdapterReportRow row : report.adapters()) {
        text.append(
            String.format(
                Locale.ROOT,
                "%-20s %8.4f %8.4f %10.2f %10.2f %7.1f%% %7s %7s %s%n",
                row.adapterId(),
                row.baseNll(),
                row.adapterNll(),
                row.basePerplexity(),
                row.adapterPerplexity(),
                100 * row.relativeGain(),
                ratio(row.taskMetrics().tokenF1()),
                ratio(row.taskMetrics().toolCallF1()),
                (row.gate().published() ? "pass: " : "reject: ") + row.gate().reason()));
      }
      return text.toString();
    }
  }

  /**
   * Runs the job in {@code spark}.
   *
   * @throws IllegalArgumentException when an input is missing or unusable
   * @throws IllegalStateException when a scorer failed or an adapter changed nothing
   */
  public static Result run(SparkSession spark, Request request, Consumer<String> progress) {
    long started = System.nanoTime();
    JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Configuration hadoop = context.hadoopConfiguration();
    Path adaptersDir = adaptersDir(request.trained());
    Map<String, Row> trainResults = trainResults(spark, request.trained(), adaptersDir);
    List<String> ids = adapterIds(request, adaptersDir, trainResults);
    Map<String, Long> testRows = testRows(request.prepared(), hadoop);
    for (String id : ids) {
      if (testRows.getOrDefault(id, 0L) == 0) {
        throw new IllegalArgumentException(
            "Cannot evaluate adapter "
                + id
                + ": it has no test rows in "
                + request.prepared()
                + " (adapters with test rows: "
                + String.join(", ", testRows.keySet())
                + ")");
      }
    }
    String fingerprint = TrainJob.fingerprint(request.baseModel(), hadoop);
    byte[] tokenizerJson = readBytes(request.baseModel() + "/tokenizer.json", hadoop);
    List<Integer> stops = stopTokens(tokenizerJson);
    Settings settings = request.settings();
    EvalSettings evalSettings =
        new EvalSettings(
            request.prepared(),
            request.baseModel(),
            fingerprint,
            settings.maxRowsPerSplit(),
            settings.batchSize(),
            settings.maxGenerations(),
            settings.maxNewTokens(),
            stops);
    Map<String, Integer> productionSeen = new HashMap<>();
    Map<String, AdapterVersion> production =
        production(request, ids, fingerprint, productionSeen, progress);

    List<EvalWork> works = new ArrayList<>();
    works.add(new EvalWork(BASE, EvalWork.Kind.BASE, List.of(), ids, ids, evalSettings));
    for (String id : ids) {
      works.add(
          new EvalWork(
              id,
              EvalWork.Kind.ADAPTER,
              List.of(adaptersDir.resolve(id).toString()),
              ids,
              // Every tenant's prompts: the tool-call matrix shows which adapter calls tools where.
              ids,
              evalSettings));
    }
    if (ids.size() > 1) {
      List<String> folders = ids.stream().map(id -> adaptersDir.resolve(id).toString()).toList();
      works.add(
          new EvalWork(MIXTURE, EvalWork.Kind.MIXTURE, folders, ids, List.of(), evalSettings));
    }
    production.forEach(
        (id, version) ->
            works.add(
                new EvalWork(
                    PRODUCTION_PREFIX + id,
                    EvalWork.Kind.PRODUCTION,
                    List.of(version.artifactUri()),
                    List.of(id),
                    List.of(),
                    evalSettings)));
    List<EvalOutcome> outcomes = runWorks(spark, context, request.runId(), works, progress);

    Map<String, EvalOutcome> byScorer = new HashMap<>();
    List<String> failures = new ArrayList<>();
    for (EvalOutcome outcome : outcomes) {
      byScorer.put(outcome.scorer(), outcome);
      if (outcome.error() != null) {
        failures.add(outcome.scorer() + ": " + outcome.error());
      }
    }
    if (!failures.isEmpty()) {
      throw new IllegalStateException(
          "Cannot finish the evaluation: "
              + failures.size()
              + " scorer(s) failed: "
              + String.join("; ", failures));
    }
    Map<String, Map<String, EvalOutcome.SplitScore>> scores = new HashMap<>();
    outcomes.forEach(
        outcome -> {
          Map<String, EvalOutcome.SplitScore> bySplit = new HashMap<>();
          outcome.scores().forEach(score -> bySplit.put(score.split(), score));
          scores.put(outcome.scorer(), bySplit);
        });

    HuggingFaceTokenizer tokenizer =
        TokenizerCache.get(Fingerprints.sha256(tokenizerJson), () -> tokenizerJson);
    Map<String, List<String[]>> adapterReplies = new HashMap<>();
    Map<String, List<String[]>> baseReplies = new HashMap<>();
    List<List<Double>> toolCallF1 = new ArrayList<>();
    for (String id : ids) {
      adapterReplies.put(id, replies(byScorer.get(id), id, tokenizer));
      baseReplies.put(id, replies(byScorer.get(BASE), id, tokenizer));
      List<Double> row = new ArrayList<>();
      for (String split : ids) {
        row.add(
            metrics(replies(byScorer.get(id), split, tokenizer), settings.toolCalls())
                .toolCallF1());
      }
      toolCallF1.add(row);
    }
    requireApplied(ids, scores, adapterReplies, baseReplies);

    PublishGate gate = new PublishGate(settings.gate());
    List<AdapterReportRow> rows = new ArrayList<>();
    List<LossCurve> curves = new ArrayList<>();
    ArrayNode gateEntries = JSON.createArrayNode();
    for (String id : ids) {
      double baseNll = scores.get(BASE).get(id).meanNll();
      double adapterNll = scores.get(id).get(id).meanNll();
      OptionalDouble productionNll = OptionalDouble.empty();
      EvalOutcome.SplitScore productionScore =
          Optional.ofNullable(scores.get(PRODUCTION_PREFIX + id)).map(s -> s.get(id)).orElse(null);
      if (productionScore != null && productionScore.tokens() > 0) {
        productionNll = OptionalDouble.of(productionScore.meanNll());
      }
      TaskMetrics metrics = metrics(adapterReplies.get(id), settings.toolCalls());
      GateDecision decision =
          gate.decide(new GateInput(id, baseNll, adapterNll, productionNll, metrics));
      Row result = trainResults.get(id);
      JsonNode trainMetrics = readMetrics(adaptersDir.resolve(id));
      long trainRows = trainMetrics.path("training_rows").asLong(0);
      rows.add(
          new AdapterReportRow(
              id,
              trainRows,
              result == null ? 0 : result.getLong(result.fieldIndex("tokens")),
              result == null ? Double.NaN : result.getDouble(result.fieldIndex("train_loss")),
              result == null || result.isNullAt(result.fieldIndex("validation_loss"))
                  ? Double.NaN
                  : result.getDouble(result.fieldIndex("validation_loss")),
              baseNll,
              adapterNll,
              metrics,
              decision));
      curves.add(lossCurve(id, trainMetrics));
      ObjectNode entry = gateEntries.addObject();
      entry.put("adapter_id", id);
      entry.put("published", decision.published());
      entry.put("reason", decision.reason());
      entry.put("artifact", adaptersDir.resolve(id).toString());
      entry.put("test_rows", scores.get(id).get(id).rows());
      putNumber(entry, "base_nll", baseNll);
      putNumber(entry, "adapter_nll", adapterNll);
      // The production version when evaluated (compared or not): publish refuses if it moved.
      entry.put("production_version", productionSeen.getOrDefault(id, 0));
      if (productionNll.isPresent()) {
        putNumber(entry, "production_nll", productionNll.getAsDouble());
      }
      ObjectNode task = entry.putObject("task_metrics");
      task.put("examples", metrics.examples());
      putNumber(task, "exact_match", metrics.exactMatch());
      putNumber(task, "token_f1", metrics.tokenF1());
      putNumber(task, "tool_call_precision", metrics.toolCallPrecision());
      putNumber(task, "tool_call_recall", metrics.toolCallRecall());
      putNumber(task, "tool_call_f1", metrics.toolCallF1());
      putNumber(task, "tool_name_accuracy", metrics.toolNameAccuracy());
    }

    List<List<Double>> matrix = new ArrayList<>();
    for (String scorer : ids) {
      matrix.add(ids.stream().map(split -> scores.get(scorer).get(split).meanNll()).toList());
    }
    List<Double> mixture =
        ids.size() > 1
            ? ids.stream().map(split -> scores.get(MIXTURE).get(split).meanNll()).toList()
            : ids.stream().map(split -> (Double) null).toList();
    RouterEvaluation router = router(spark, request, ids, progress);

    EvaluationReport report =
        new EvaluationReport(
            request.runId(),
            request.baseModel(),
            Instant.now().toString(),
            settings.gate().minGain(),
            rows,
            curves,
            new CrossAdapterMatrix(ids, ids, matrix, mixture),
            router,
            new ToolCallMatrix(ids, ids, toolCallF1));
    try {
      Files.createDirectories(request.output());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create " + request.output() + ": " + e, e);
    }
    spark.sparkContext().setJobDescription("evaluate " + request.runId() + ": write metrics");
    MetricsTable.toDataset(spark, rows)
        .coalesce(1)
        .write()
        .mode(SaveMode.Overwrite)
        .parquet(request.output().resolve(EvaluationLayout.METRICS).toString());
    spark.sparkContext().setJobDescription(null);
    HtmlReportRenderer.write(report, request.output());
    writeGenerations(request.output().resolve(EvaluationLayout.GENERATIONS), outcomes, tokenizer);
    writeGateFile(request, fingerprint, hadoop, gateEntries);
    progress.accept(
        String.format(
            Locale.ROOT,
            "Evaluated %d adapters in %.1f s; report: %s",
            ids.size(),
            (System.nanoTime() - started) / 1e9,
            request.output().resolve(EvaluationLayout.REPORT_HTML)));
    Result result = new Result(report, request.output());
    progress.accept(result.table().stripTrailing());
    return result;
  }

  private static List<EvalOutcome> runWorks(
      SparkSession spark,
      JavaSparkContext context,
      String runId,
      List<EvalWork> works,
      Consumer<String> progress) {
    int taskCpus = context.getConf().getInt("spark.task.cpus", 1);
    int slots = Math.max(1, Math.min(works.size(), context.defaultParallelism() / taskCpus));
    List<AdapterWork> costs = new ArrayList<>();
    Map<String, EvalWork> byScorer = new LinkedHashMap<>();
    for (EvalWork work : works) {
      costs.add(new AdapterWork(work.scorer(), Math.max(1, work.cost()), 1));
      byScorer.put(work.scorer(), work);
    }
    TrainPlan plan = TrainPlan.assign(costs, slots);
    List<Tuple2<Integer, EvalWork>> assigned = new ArrayList<>();
    for (TrainPlan.Slot slot : plan.slots()) {
      slot.adapters()
          .forEach(
              work -> assigned.add(new Tuple2<>(slot.index(), byScorer.get(work.adapterId()))));
    }
    progress.accept(
        String.format(
            Locale.ROOT,
            "Evaluating run %s: %d scorers (base, %d adapters%s%s) on %d tasks",
            runId,
            works.size(),
            works.stream().filter(w -> w.kind() == EvalWork.Kind.ADAPTER).count(),
            works.stream().anyMatch(w -> w.kind() == EvalWork.Kind.MIXTURE) ? ", mixture" : "",
            works.stream().anyMatch(w -> w.kind() == EvalWork.Kind.PRODUCTION)
                ? ", production versions"
                : "",
            slots));
    spark
        .sparkContext()
        .setJobDescription(
            String.format(
                Locale.ROOT, "evaluate %s: %d scorers on %d tasks", runId, works.size(), slots));
    try {
      return context
          .parallelizePairs(assigned, slots)
          .partitionBy(new SlotPartitioner(slots))
          .mapPartitions(new EvalTask())
          .collect();
    } finally {
      spark.sparkContext().setJobDescription(null);
    }
  }

  /** {@code DIR/adapters} when the train output was given, else {@code DIR} itself. */
  static Path adaptersDir(Path trained) {
    Path nested = trained.resolve(TrainLayout.ADAPTERS_DIR);
    return Files.isDirectory(nested) ? nested : trained;
  }

  private static Map<String, Row> trainResults(SparkSession spark, Path trained, Path adapters) {
    Path results = trained.resolve(TrainLayout.RESULTS);
    if (!Files.exists(results) && adapters.getParent() != null) {
      results = adapters.getParent().resolve(TrainLayout.RESULTS);
    }
    Map<String, Row> byId = new HashMap<>();
    if (Files.exists(results)) {
      for (Row row : spark.read().parquet(results.toString()).collectAsList()) {
        byId.put(row.getString(row.fieldIndex("adapter_id")), row);
      }
    }
    return byId;
  }

  private static List<String> adapterIds(
      Request request, Path adaptersDir, Map<String, Row> trainResults) {
    TreeSet<String> found = new TreeSet<>();
    try (Stream<Path> children = Files.list(adaptersDir)) {
      children
          .filter(child -> Files.isRegularFile(child.resolve(PeftAdapterConfig.FILE_NAME)))
          .forEach(child -> found.add(child.getFileName().toString()));
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "Cannot list the adapters in " + adaptersDir + ": " + e.getMessage(), e);
    }
    for (Map.Entry<String, Row> result : trainResults.entrySet()) {
      String status = result.getValue().getString(result.getValue().fieldIndex("status"));
      if (!AdapterOutcome.TRAINED.equals(status)) {
        found.remove(result.getKey());
      }
    }
    if (request.adapters().isEmpty()) {
      if (found.isEmpty()) {
        throw new IllegalArgumentException(
            "Cannot evaluate: no trained adapter folder (with "
                + PeftAdapterConfig.FILE_NAME
                + ") in "
                + adaptersDir);
      }
      return List.copyOf(found);
    }
    for (String id : request.adapters()) {
      if (!found.contains(id)) {
        throw new IllegalArgumentException(
            "Cannot evaluate adapter "
                + id
                + ": no trained adapter folder "
                + adaptersDir.resolve(id)
                + " (trained adapters: "
                + String.join(", ", found)
                + ")");
      }
    }
    return List.copyOf(new TreeSet<>(request.adapters()));
  }

  /** Test rows per adapter, from the prepared report. */
  private static Map<String, Long> testRows(String prepared, Configuration hadoop) {
    String location = prepared + "/" + PreparedLayout.REPORT_FILE;
    JsonNode report;
    try {
      report = JSON.readTree(readBytes(location, hadoop));
    } catch (IOException e) {
      throw new IllegalArgumentException("Cannot read " + location + ": " + e.getMessage(), e);
    }
    Map<String, Long> rows = new LinkedHashMap<>();
    JsonNode adapters = report.path("adapters");
    adapters
        .fieldNames()
        .forEachRemaining(
            id ->
                rows.put(
                    id,
                    adapters
                        .path(id)
                        .path("splits")
                        .path(PreparedLayout.TEST)
                        .path("rows")
                        .asLong(0)));
    return rows;
  }

  /**
   * The production versions to compare with: those on the same base model. {@code seen} receives
   * every production version number, compared or not.
   */
  private static Map<String, AdapterVersion> production(
      Request request,
      List<String> ids,
      String fingerprint,
      Map<String, Integer> seen,
      Consumer<String> progress) {
    Map<String, AdapterVersion> versions = new LinkedHashMap<>();
    if (request.registryUrl().isEmpty()) {
      return versions;
    }
    try (AdapterRegistry registry =
        AdapterRegistry.open(request.registryUrl().get(), request.registryStore())) {
      for (String id : ids) {
        Optional<AdapterVersion> version = registry.alias(id, AdapterRegistry.PRODUCTION);
        if (version.isEmpty()) {
          continue;
        }
        seen.put(id, version.get().version());
        if (!version.get().baseModelFingerprint().equals(fingerprint)) {
          progress.accept(
              "Not comparing "
                  + id
                  + " with production version "
                  + version.get().version()
                  + ": it was trained on another base model");
          continue;
        }
        versions.put(id, version.get());
      }
    }
    return versions;
  }

  /** (reply, reference) pairs of a scorer on a split's prompts, in example-id order. */
  private static List<String[]> replies(
      EvalOutcome outcome, String split, HuggingFaceTokenizer tokenizer) {
    List<String[]> pairs = new ArrayList<>();
    for (EvalOutcome.Generated generated : outcome.generations()) {
      if (!generated.split().equals(split)) {
        continue;
      }
      long[] ids = Arrays.stream(generated.tokenIds()).asLongStream().toArray();
      String reply = ids.length == 0 ? "" : tokenizer.decode(ids, true);
      pairs.add(new String[] {reply, generated.reference()});
    }
    return pairs;
  }

  /** Every generated reply beside its reference, one JSON object per line, for reading. */
  private static void writeGenerations(
      Path target, List<EvalOutcome> outcomes, HuggingFaceTokenizer tokenizer) {
    StringBuilder lines = new StringBuilder();
    for (EvalOutcome outcome : outcomes) {
      for (EvalOutcome.Generated generated : outcome.generations()) {
        long[] ids = Arrays.stream(generated.tokenIds()).asLongStream().toArray();
        ObjectNode line = JSON.createObjectNode();
        line.put("scorer", outcome.scorer());
        line.put("test_split", generated.split());
        line.put("example_id", generated.exampleId());
        line.put("reply", ids.length == 0 ? "" : tokenizer.decode(ids, true));
        line.put("reference", generated.reference());
        line.put("stopped", generated.stopped());
        lines.append(line).append('\n');
      }
    }
    AtomicFiles.write(target, lines);
  }

  private static TaskMetrics metrics(List<String[]> pairs, ToolCallDetector detector) {
    TaskMetricsAccumulator accumulator = TaskMetricsAccumulator.EMPTY;
    for (String[] pair : pairs) {
      accumulator = accumulator.add(pair[0], pair[1], detector);
    }
    return accumulator.metrics();
  }

  /**
   * Fails when an adapter's scores and replies equal the base model's: it was not applied (or never
   * trained), and publishing it would ship the base model under its name.
   */
  static void requireApplied(
      List<String> ids,
      Map<String, Map<String, EvalOutcome.SplitScore>> scores,
      Map<String, List<String[]>> adapterReplies,
      Map<String, List<String[]>> baseReplies) {
    List<String> unchanged = new ArrayList<>();
    for (String id : ids) {
      EvalOutcome.SplitScore base = scores.get(BASE).get(id);
      EvalOutcome.SplitScore adapter = scores.get(id).get(id);
      boolean sameScore =
          base.tokens() == adapter.tokens()
              && Math.abs(base.nllSum() - adapter.nllSum())
                  <= 1e-9 * Math.max(1, Math.abs(base.nllSum()));
      List<String[]> mine = adapterReplies.get(id);
      List<String[]> theirs = baseReplies.get(id);
      boolean sameReplies = mine.size() == theirs.size();
      for (int i = 0; sameReplies && i < mine.size(); i++) {
        sameReplies = mine.get(i)[0].equals(theirs.get(i)[0]);
      }
      if (sameScore && sameReplies) {
        unchanged.add(
            String.format(
                Locale.ROOT,
                "%s (test NLL %.6f on %d tokens, %d replies, all equal to the base model's)",
                id,
                adapter.meanNll(),
                adapter.tokens(),
                mine.size()));
      }
    }
    if (!unchanged.isEmpty()) {
      throw new IllegalStateException(
          "Cannot trust the evaluation: "
              + unchanged.size()
              + " adapter(s) change nothing — was the adapter applied, or are its lora_B weights"
              + " zero? "
              + String.join("; ", unchanged));
    }
  }

  private static RouterEvaluation router(
      SparkSession spark, Request request, List<String> ids, Consumer<String> progress) {
    if (ids.size() < 2) {
      progress.accept("Router not trained: it needs at least two adapters");
      return null;
    }
    spark.sparkContext().setJobDescription("evaluate " + request.runId() + ": router");
    try {
      Dataset<Row> data = spark.read().parquet(request.prepared() + "/" + PreparedLayout.DATA_DIR);
      StructType messages =
          new StructType()
              .add(
                  "messages",
                  DataTypes.createArrayType(
                      new StructType()
                          .add("role", DataTypes.StringType)
                          .add("content", DataTypes.StringType)));
      Dataset<Row> turns =
          data.where(col(PreparedLayout.ADAPTER_ID).isin(ids.toArray()))
              .select(
                  col(PreparedLayout.ADAPTER_ID).as(AdapterRouter.ADAPTER_COLUMN),
                  col(PreparedLayout.SPLIT),
                  explode(
                          from_json(col(PreparedLayout.CONVERSATION), messages)
                              .getField("messages"))
                      .as("message"))
              .where(col("message.role").equalTo("user"))
              .select(
                  col(AdapterRouter.ADAPTER_COLUMN),
                  col(PreparedLayout.SPLIT),
                  col("message.content").as(AdapterRouter.TEXT_COLUMN));
      RouterModel model =
          AdapterRouter.train(
              turns.where(col(PreparedLayout.SPLIT).equalTo(PreparedLayout.TRAIN)),
              request.settings().router());
      RouterEvaluation evaluation =
          model.evaluate(turns.where(col(PreparedLayout.SPLIT).equalTo(PreparedLayout.TEST)));
      model.save(request.output().resolve(EvaluationLayout.ROUTER).toString());
      progress.accept(
          String.format(
              Locale.ROOT,
              "Router: %.1f%% of %d test queries routed to their adapter (min confidence %.2f)",
              100 * evaluation.accuracy(),
              evaluation.queries(),
              evaluation.minConfidence()));
      return evaluation;
    } finally {
      spark.sparkContext().setJobDescription(null);
    }
  }

  private static LossCurve lossCurve(String id, JsonNode metrics) {
    List<LossPoint> train = new ArrayList<>();
    List<LossPoint> validation = new ArrayList<>();
    for (JsonNode step : metrics.path("steps")) {
      long number = step.path("step").asLong();
      train.add(new LossPoint(number, step.path("loss").asDouble()));
      if (step.has("validation_loss")) {
        validation.add(new LossPoint(number, step.path("validation_loss").asDouble()));
      }
    }
    return new LossCurve(id, train, validation);
  }

  private static JsonNode readMetrics(Path adapter) {
    Path file = adapter.resolve(PeftAdapter.METRICS_FILE);
    if (!Files.exists(file)) {
      return JSON.createObjectNode();
    }
    try {
      return JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  private static void writeGateFile(
      Request request, String fingerprint, Configuration hadoop, ArrayNode entries) {
    ObjectNode root = JSON.createObjectNode();
    root.put("format", EvaluationLayout.GATE_FORMAT);
    root.put("run_id", request.runId());
    root.put("base_model", request.baseModel());
    root.put("base_model_fingerprint", fingerprint);
    root.put("prepared", request.prepared());
    root.put(
        "prepared_fingerprint",
        Fingerprints.sha256(
            readBytes(request.prepared() + "/" + PreparedLayout.REPORT_FILE, hadoop)));
    root.set("gate", gateSettings(request.settings().gate()));
    root.set("adapters", entries);
    try {
      AtomicFiles.write(
          request.output().resolve(EvaluationLayout.GATE_FILE),
          JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot encode " + EvaluationLayout.GATE_FILE, e);
    }
  }

  /** The gate's settings as their config keys; absent thresholds are null. */
  private static ObjectNode gateSettings(GateConfig gate) {
    ObjectNode node = JSON.createObjectNode();
    node.put(GateConfig.MIN_GAIN, gate.minGain());
    node.put(GateConfig.MAX_REGRESSION, gate.maxRegression());
    putOptional(node, GateConfig.MIN_EXACT_MATCH, gate.minExactMatch());
    putOptional(node, GateConfig.MIN_TOKEN_F1, gate.minTokenF1());
    putOptional(node, GateConfig.MIN_TOOL_CALL_F1, gate.minToolCallF1());
    putOptional(node, GateConfig.MIN_TOOL_NAME_ACCURACY, gate.minToolNameAccuracy());
    return node;
  }

  private static void putOptional(ObjectNode node, String key, OptionalDouble value) {
    putNumber(node, key, value.orElse(Double.NaN));
  }

  /** A number, or null where it is undefined (NaN): JSON has no NaN. */
  private static void putNumber(ObjectNode node, String key, double value) {
    if (Double.isFinite(value)) {
      node.put(key, value);
    } else {
      node.putNull(key);
    }
  }

  private static List<Integer> stopTokens(byte[] tokenizerJson) {
    try (InputStream in = new ByteArrayInputStream(tokenizerJson)) {
      return SpecialTokenSet.read(in).ids().stream().map(Long::intValue).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the special tokens of tokenizer.json", e);
    }
  }

  static byte[] readBytes(String location, Configuration hadoop) {
    org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(location);
    try (InputStream in = path.getFileSystem(hadoop).open(path)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + location + ": " + e.getMessage(), e);
    }
  }

  private static String ratio(double value) {
    return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, "%.3f", value);
  }
}
