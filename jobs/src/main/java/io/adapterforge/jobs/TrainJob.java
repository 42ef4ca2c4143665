package io.adapterforge.jobs;

import static java.util.Objects.requireNonNull;

import io.adapterforge.dataset.PreparedLayout;
import io.adapterforge.train.AdapterOutcome;
import io.adapterforge.train.AdapterSpec;
import io.adapterforge.train.SlotPartitioner;
import io.adapterforge.train.SlotTrainer;
import io.adapterforge.train.SlotWork;
import io.adapterforge.train.TrainLayout;
import io.adapterforge.train.TrainProgress;
import io.adapterforge.train.TrainSettings;
import io.adapterforge.trainer.plan.AdapterWork;
import io.adapterforge.trainer.plan.PreparedReportWork;
import io.adapterforge.trainer.plan.TrainPlan;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import scala.Tuple2;

/**
 * The train job: plans the adapters of a prepared dataset onto slots ({@link TrainPlan}, LPT over
 * trained tokens × epochs), runs one Spark task per slot ({@link SlotPartitioner} on an RDD of slot
 * indices, {@link SlotTrainer} in {@code mapPartitions}: base model once per executor JVM, rows
 * streamed from each adapter's partition folder), and writes {@code adapters/<id>/} and {@code
 * train_results.parquet} under the output. Only the per-adapter result rows come back to the
 * driver; no data row does.
 *
 * <p>The output must be a local folder that every executor sees at the same path (one machine, or a
 * shared mount): checkpoints and PEFT folders are renamed into place, which needs a local file
 * system. A Hadoop-URI output (staging locally, then copying) is left for later.
 *
 * <p>A rerun, or a task retried after a lost executor, with the same run id skips finished adapters
 * and resumes the others from their newest checkpoint.
 */
public final class TrainJob {
  private static final long PROGRESS_POLL_SECONDS = 5;

  private TrainJob() {}

  /**
   * What to train.
   *
   * @param prepared the prepared dataset root (local path or Hadoop URI)
   * @param baseModel the base model folder (local path or Hadoop URI)
   * @param output local output folder
   * @param adapters the adapters to train; empty for every adapter in the report
   * @param runId keys checkpoints and finished markers: the same id resumes a run
   * @param settings run-wide settings
   * @param overrides per-adapter settings by adapter id; adapters without one use {@code settings}
   */
  public record Request(
      String prepared,
      String baseModel,
      Path output,
      List<String> adapters,
      String runId,
      TrainSettings settings,
      Map<String, AdapterSpec> overrides) {
    public Request {
      requireNonNull(prepared, "prepared is null");
      requireNonNull(baseModel, "baseModel is null");
      output = requireNonNull(output, "output is null").toAbsolutePath().normalize();
      adapters = List.copyOf(requireNonNull(adapters, "adapters is null"));
      requireNonNull(runId, "runId is null");
      if (!runId.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,127}")) {
        throw new IllegalArgumentException(
            "Cannot use run id '" + runId + "': use letters, digits, '.', '_' and '-'");
      }
      requireNonNull(settings, "settings is null");
      overrides = Map.copyOf(requireNonNull(overrides, "overrides is null"));
    }
  }

  /**
   * How a run went.
   *
   * @param runId the run id
   * @param plan the plan it followed
   * @param outcomes one row per planned adapter, in plan order
   * @param wallSeconds the job's wall time
   */
  public record Result(
      String runId, TrainPlan plan, List<AdapterOutcome> outcomes, double wallSeconds) {
    /** Whether any adapter failed. */
    public boolean anyFailed() {
      return outcomes.stream().anyMatch(outcome -> !outcome.trained());
    }

    /** The final table: one line per adapter. */
    public String table() {
      StringBuilder text = new StringBuilder();
      text.append(
          String.format(
              Locale.ROOT,
              "%-24s %-7s %4s %6s %7s %10s %9s %8s %8s %4s %4s %7s %s%n",
              "adapter",
              "status",
              "slot",
              "steps",
              "epochs",
              "train_loss",
              "val_loss",
              "tokens",
              "tok/s",
              "gpu",
              "try",
              "wall_s",
              "reason"));
      for (AdapterOutcome o : outcomes) {
        text.append(
            String.format(
                Locale.ROOT,
                "%-24s %-7s %4d %6d %7.2f %10.4f %9s %8d %8.0f %4s %4d %7.1f %s%n",
                o.adapterId(),
                o.status(),
                o.slot(),
                o.steps(),
                o.epochs(),
                o.trainLoss(),
                o.validationLoss() == null
                    ? "-"
                    : String.format(Locale.ROOT, "%.4f", o.validationLoss()),
                o.tokens(),
                o.tokensPerSecond(),
                o.gpuAddress() == null ? "-" : o.gpuAddress(),
                o.attempt(),
                o.wallSeconds(),
                o.reason() == null ? "" : o.reason()));
      }
      return text.toString();
    }
  }

  /**
   * Runs the job in {@code spark}.
   *
   * @param progress receives the plan, progress lines while training, and the final table
   * @throws IllegalArgumentException if an adapter asked for is not in the report, or the report is
   *     unusable
   * @throws IllegalStateException if speculation is on
   */
  public static Result run(SparkSession spark, Request request, Consumer<String> progress) {
    long started = System.nanoTime();
    JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
    if (context.getConf().getBoolean("spark.speculation", false)) {
      throw new IllegalStateException(
          "Cannot train with spark.speculation=true: a speculative copy of a slot's task would"
              + " train the same adapters into the same checkpoint folders; set it to false");
    }
    Configuration hadoop = context.hadoopConfiguration();
    String reportLocation =
        new org.apache.hadoop.fs.Path(request.prepared(), PreparedLayout.REPORT_FILE).toString();
    Map<String, Long> lossTokens =
        PreparedReportWork.trainLossTokens(readString(reportLocation, hadoop), reportLocation);
    List<String> ids =
        request.adapters().isEmpty() ? List.copyOf(lossTokens.keySet()) : request.adapters();
    Map<String, AdapterSpec> specs = new LinkedHashMap<>();
    List<AdapterWork> work = new ArrayList<>();
    for (String id : ids) {
      if (!lossTokens.containsKey(id)) {
        throw new IllegalArgumentException(
            "Cannot train adapter "
                + id
                + ": it is not in "
                + reportLocation
                + " (adapters there: "
                + String.join(", ", lossTokens.keySet())
                + ")");
      }
      AdapterSpec spec =
          request.overrides().getOrDefault(id, AdapterSpec.of(id, request.settings()));
      specs.put(id, spec);
      work.add(new AdapterWork(id, lossTokens.get(id), spec.epochs()));
    }
    int slots = slots(context, request.settings());
    TrainPlan plan = TrainPlan.assign(work, slots);
    progress.accept("Run " + request.runId() + ". " + plan.render().stripTrailing());
    String master = context.master();
    if (master.startsWith("local")) {
      int cores = Runtime.getRuntime().availableProcessors();
      int threads =
          request.settings().threadsPerSlot() > 0
              ? request.settings().threadsPerSlot()
              : Math.max(1, cores / slots);
      if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
        System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
      }
      // What each slot's thread will use (SlotTrainer): the setting, else the property.
      int perSlot = threads;
      if (request.settings().threadsPerSlot() <= 0) {
        try {
          perSlot = Integer.parseInt(System.getProperty("ai.djl.pytorch.num_threads").trim());
        } catch (NumberFormatException e) {
          perSlot = 1;
        }
      }
      progress.accept(
          slots == 1
              ? String.format(
                  Locale.ROOT,
                  "Local mode: 1 slot; libtorch threads: %d (%d cores)",
                  perSlot,
                  cores)
              : String.format(
                  Locale.ROOT,
                  "Local mode: %d slots share one JVM and its base model, and train at the same"
                      + " time, each on its own thread; libtorch threads per slot: %d (%d in all"
                      + " on %d cores)",
                  slots,
                  perSlot,
                  slots * perSlot,
                  cores));
    }
    String fingerprint = fingerprint(request.baseModel(), hadoop);
    List<Tuple2<Integer, SlotWork>> slotWork = new ArrayList<>();
    for (TrainPlan.Slot slot : plan.slots()) {
      List<AdapterSpec> adapters = new ArrayList<>();
      slot.adapters().forEach(adapter -> adapters.add(specs.get(adapter.adapterId())));
      slotWork.add(
          new Tuple2<>(
              slot.index(),
              new SlotWork(
                  slot.index(),
                  adapters,
                  request.runId(),
                  request.prepared(),
                  request.baseModel(),
                  fingerprint,
                  request.output().toString(),
                  request.settings())));
    }
    Path progressDir = TrainLayout.progress(request.output(), request.runId());
    ScheduledExecutorService poller =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "train-progress");
              thread.setDaemon(true);
              return thread;
            });
    Map<String, Long> reported = new HashMap<>();
    poller.scheduleWithFixedDelay(
        () -> report(progressDir, reported, progress),
        PROGRESS_POLL_SECONDS,
        PROGRESS_POLL_SECONDS,
        TimeUnit.SECONDS);
    List<AdapterOutcome> collected;
    try {
      spark
          .sparkContext()
          .setJobDescription(
              String.format(
                  Locale.ROOT,
                  "train %s: %d adapters on %d slots (makespan %,d tokens, bound %,.0f)",
                  request.runId(),
                  work.size(),
                  slots,
                  plan.makespan(),
                  plan.lowerBound()));
      collected =
          context
              .parallelizePairs(slotWork, slots)
              .partitionBy(new SlotPartitioner(slots))
              .mapPartitions(new SlotTrainer())
              .collect();
    } finally {
      poller.shutdownNow();
      spark.sparkContext().setJobDescription(null);
    }
    report(progressDir, reported, progress);
    Map<String, AdapterOutcome> byId = new HashMap<>();
    collected.forEach(outcome -> byId.put(outcome.adapterId(), outcome));
    List<AdapterOutcome> outcomes = new ArrayList<>();
    for (AdapterWork adapter : plan.adapters()) {
      AdapterOutcome outcome = byId.get(adapter.adapterId());
      if (outcome == null) {
        int slot = plan.slotOf(adapter.adapterId()).orElseThrow().index();
        outcome =
            new AdapterOutcome(
                adapter.adapterId(),
                AdapterOutcome.FAILED,
                "its slot's task returned no result",
                0,
                0,
                Double.NaN,
                null,
                0,
                0,
                0,
                slot,
                null,
                null,
                -1,
                0,
                null,
                0,
                0);
      }
      outcomes.add(outcome);
    }
    outcomes.sort(Comparator.comparing(AdapterOutcome::adapterId));
    List<Row> rows = new ArrayList<>();
    outcomes.forEach(outcome -> rows.add(outcome.toRow()));
    spark.sparkContext().setJobDescription("train " + request.runId() + ": write results");
    spark
        .createDataFrame(rows, AdapterOutcome.schema())
        .coalesce(1)
        .write()
        .mode(SaveMode.Overwrite)
        .parquet(request.output().resolve(TrainLayout.RESULTS).toString());
    spark.sparkContext().setJobDescription(null);
    Result result =
        new Result(request.runId(), plan, outcomes, (System.nanoTime() - started) / 1e9);
    progress.accept(result.table().stripTrailing());
    return result;
  }

  /** Slots asked for, else one per task slot of the cluster (default parallelism / task cpus). */
  private static int slots(JavaSparkContext context, TrainSettings settings) {
    if (settings.slots() > 0) {
      return settings.slots();
    }
    int taskCpus = context.getConf().getInt("spark.task.cpus", 1);
    return Math.max(1, context.defaultParallelism() / taskCpus);
  }

  private static void report(Path dir, Map<String, Long> reported, Consumer<String> progress) {
    try {
      for (TrainProgress.Entry entry : TrainProgress.read(dir)) {
        Long last = reported.put(entry.adapterId(), entry.updatedMillis());
        if (last == null || last != entry.updatedMillis()) {
          progress.accept(entry.describe());
        }
      }
    } catch (RuntimeException e) {
      progress.accept("Cannot read progress from " + dir + ": " + e.getMessage());
    }
  }

  private static String readString(String location, Configuration hadoop) {
    org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(location);
    try (InputStream in = path.getFileSystem(hadoop).open(path)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot read " + location + " (is it a prepared dataset?): " + e.getMessage(), e);
    }
  }

  /**
   * The base model's identity for the executors' cache: sha256 of {@code config.json} and the names
   * and sizes of its weight files (reading every weight would cost as much as a load).
   */
  static String fingerprint(String baseModel, Configuration hadoop) {
    org.apache.hadoop.fs.Path folder = new org.apache.hadoop.fs.Path(baseModel);
    try {
      FileSystem fs = folder.getFileSystem(hadoop);
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      try (InputStream in = fs.open(new org.apache.hadoop.fs.Path(folder, "config.json"))) {
        digest.update(in.readAllBytes());
      }
      FileStatus[] files = fs.listStatus(folder);
      Arrays.sort(files, Comparator.comparing(status -> status.getPath().getName()));
      for (FileStatus file : files) {
        String name = file.getPath().getName();
        if (name.endsWith(".safetensors") || name.endsWith(".safetensors.index.json")) {
          digest.update((name + ":" + file.getLen() + "\n").getBytes(StandardCharsets.UTF_8));
        }
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot read the base model " + baseModel + ": " + e.getMessage(), e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
