package io.adapterforge.bench;

import static java.util.Objects.requireNonNull;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.adapterforge.cluster.ClusterState;
import io.adapterforge.cluster.RuntimeClasspath;
import io.adapterforge.cluster.StandaloneCluster;
import io.adapterforge.config.AdapterforgeConfig;
import io.adapterforge.config.ClusterConfig;
import io.adapterforge.config.ConfigLoader;
import io.adapterforge.jobs.PrepareJob;
import io.adapterforge.jobs.SparkSessions;
import io.adapterforge.jobs.TrainJob;
import io.adapterforge.train.AdapterOutcome;
import io.adapterforge.train.TrainSettings;
import io.adapterforge.trainer.model.ModelConfig;
import io.adapterforge.trainer.model.ModelType;
import io.adapterforge.trainer.model.RandomBaseModel;
import io.adapterforge.trainer.model.TokenizerFiles;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.apache.spark.sql.SparkSession;

/**
 * {@code bench train-job}: makes a corpus of N equally sized tenants, prepares it, and trains all N
 * adapters with the train job on S slots, timing the training job alone (not the corpus, the
 * prepare job, the base model's writing or the session's start).
 *
 * <p>By default the train job runs in this JVM on the configured Spark master ({@code local[*]}
 * unless {@code spark.master} says otherwise): the S slots are S task threads that share one JVM
 * and one base model and train at the same time, each with {@code threadsPerSlot} libtorch threads.
 * With {@link Options#standaloneCluster()} the slots are instead S executor JVMs of a local
 * standalone cluster that the benchmark starts (S workers × 1 core) and stops, each loading the
 * base model once.
 */
public final class TrainJobBenchmark {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String[] WORDS = {
    "order",
    "invoice",
    "server",
    "flight",
    "doctor",
    "contract",
    "router",
    "parcel",
    "refund",
    "ticket",
    "hotel",
    "clause",
    "deploy",
    "dose",
    "basket",
    "payment",
    "kernel",
    "visa",
    "lawyer",
    "cluster",
    "coupon",
    "symptom",
    "runway",
    "warranty",
    "module",
    "receipt",
    "branch",
    "tariff",
    "schedule",
    "license",
    "battery",
    "pharmacy",
    "account",
    "pipeline",
    "harbor",
    "station"
  };

  private TrainJobBenchmark() {}

  /**
   * What to measure.
   *
   * @param adapters tenants, one adapter each
   * @param slots training slots (= executors of the local cluster)
   * @param threadsPerSlot libtorch threads per slot
   * @param rowsPerAdapter corpus rows per tenant
   * @param epochs epochs per adapter
   * @param baseModel the base model; empty to make a tiny random Llama with {@code tokenizer}
   * @param tokenizer tokenizer folder for the corpus and the made-up base model
   * @param standaloneCluster train on S one-core executor JVMs of a local standalone cluster
   *     instead of the configured master
   */
  public record Options(
      int adapters,
      int slots,
      int threadsPerSlot,
      int rowsPerAdapter,
      int epochs,
      Optional<Path> baseModel,
      Path tokenizer,
      boolean standaloneCluster) {
    /** Options that train on the configured master ({@code local[*]} by default). */
    public Options(
        int adapters,
        int slots,
        int threadsPerSlot,
        int rowsPerAdapter,
        int epochs,
        Optional<Path> baseModel,
        Path tokenizer) {
      this(adapters, slots, threadsPerSlot, rowsPerAdapter, epochs, baseModel, tokenizer, false);
    }

    public Options {
      requireNonNull(baseModel, "baseModel is null");
      requireNonNull(tokenizer, "tokenizer is null");
      if (adapters < 1 || slots < 1 || threadsPerSlot < 1 || rowsPerAdapter < 5 || epochs < 1) {
        throw new IllegalArgumentException(
            "Cannot benchmark with --adapters "
                + adapters
                + ", --slots "
                + slots
                + ", --threads-per-slot "
                + threadsPerSlot
                + ", --rows-per-adapter "
                + rowsPerAdapter
                + ", --epochs "
                + epochs
                + ": each must be positive (rows at least 5)");
      }
    }
  }

  /**
   * Runs the benchmark in {@code dir} and returns its JSON line: {@code wall_seconds} of the train
   * job, {@code adapters_per_hour}, {@code trained_tokens_per_second}, {@code model_loads} (summed
   * over executor JVMs), {@code executors}, {@code master}, the options, and {@code failed}.
   */
  public static ObjectNode run(
      AdapterforgeConfig config, Options options, Path dir, Consumer<String> progress)
      throws IOException {
    Path corpus = dir.resolve("corpus");
    writeCorpus(corpus, options.adapters(), options.rowsPerAdapter());
    Path base = options.baseModel().orElse(dir.resolve("base"));
    Path tokenizer = options.baseModel().orElse(options.tokenizer());
    if (options.baseModel().isEmpty()) {
      progress.accept("Writing a tiny random Llama base model to " + base);
      TokenizerFiles files = TokenizerFiles.read(tokenizer);
      ModelConfig model =
          RandomBaseModel.config(ModelType.LLAMA, files.vocabSize(), 64, 2, 4, 2, 128, 0, 0, null);
      try (NDManager manager = NDManager.newBaseManager()) {
        RandomBaseModel.write(model, 7, 0.25, files, base, manager);
      }
    }
    List<String> overrides = new ArrayList<>();
    if (!hasChatTemplate(tokenizer)) {
      overrides.add("prepare.chat-template=llama2-chat");
    }
    AdapterforgeConfig prepareConfig = ConfigLoader.load(Optional.empty(), overrides);
    Path prepared = dir.resolve("prepared");
    SparkSession local = SparkSessions.create(config.spark(), "bench train-job prepare");
    try {
      progress.accept("Preparing " + options.adapters() + " tenants");
      PrepareJob.run(
          local,
          prepareConfig,
          new PrepareJob.Request(List.of(corpus.toString()), tokenizer, prepared.toString()),
          progress);
    } finally {
      local.stop();
    }
    if (!options.standaloneCluster()) {
      SparkSession spark = SparkSessions.create(config.spark(), "bench train-job");
      try {
        return train(spark, config, options, prepared, base, dir, progress);
      } finally {
        spark.stop();
      }
    }
    ClusterConfig clusterConfig =
        new ClusterConfig(
            dir.resolve("cluster"), freePort(), freePort(), options.slots(), 1, "2g", 0);
    ClusterState cluster =
        StandaloneCluster.start(clusterConfig, RuntimeClasspath.thirdPartyJars(), progress);
    try {
      SparkSession spark =
          SparkSession.builder()
              .appName("adapterforge bench train-job")
              .master(cluster.masterUrl())
              .config("spark.jars", applicationJar())
              .config("spark.driver.host", "127.0.0.1")
              .config("spark.driver.bindAddress", "127.0.0.1")
              .config("spark.ui.enabled", "false")
              .config("spark.executor.cores", "1")
              .config("spark.executor.memory", "1g")
              .config("spark.executor.extraJavaOptions", "-Dai.djl.offline=true")
              .config("spark.executorEnv.DJL_OFFLINE", "true")
              .config("spark.executorEnv.RUST_FLAVOR", "cpu")
              .getOrCreate();
      try {
        awaitExecutors(spark, options.slots());
        return train(spark, config, options, prepared, base, dir, progress);
      } finally {
        spark.stop();
      }
    } finally {
      StandaloneCluster.stop(clusterConfig.dir());
    }
  }

  /** Trains every tenant with the train job in {@code spark}; returns the JSON line. */
  private static ObjectNode train(
      SparkSession spark,
      AdapterforgeConfig config,
      Options options,
      Path prepared,
      Path base,
      Path dir,
      Consumer<String> progress) {
    TrainSettings defaults = TrainSettings.defaults(config.train().lora());
    TrainSettings settings =
        new TrainSettings(
            5e-3,
            options.epochs(),
            8,
            0,
            1_000,
            0,
            defaults.seed(),
            options.slots(),
            options.threadsPerSlot(),
            defaults.loraRank(),
            defaults.loraAlpha(),
            defaults.loraDropout(),
            defaults.targetModules());
    TrainJob.Result result =
        TrainJob.run(
            spark,
            new TrainJob.Request(
                prepared.toString(),
                base.toAbsolutePath().toString(),
                dir.resolve("output"),
                List.of(),
                "bench",
                settings,
                Map.of()),
            progress);
    long tokens = 0;
    Map<Long, Integer> loadsByJvm = new HashMap<>();
    for (AdapterOutcome outcome : result.outcomes()) {
      tokens += outcome.tokens();
      loadsByJvm.merge(outcome.pid(), outcome.modelLoads(), Math::max);
    }
    ObjectNode line = JSON.createObjectNode();
    line.put("benchmark", "train-job");
    line.put("adapters", options.adapters());
    line.put("slots", options.slots());
    line.put("threads_per_slot", options.threadsPerSlot());
    line.put("rows_per_adapter", options.rowsPerAdapter());
    line.put("epochs", options.epochs());
    line.put("master", spark.sparkContext().master());
    line.put("wall_seconds", round(result.wallSeconds()));
    line.put("adapters_per_hour", round(options.adapters() * 3600 / result.wallSeconds()));
    line.put("trained_tokens_per_second", round(tokens / result.wallSeconds()));
    line.put("model_loads", loadsByJvm.values().stream().mapToInt(Integer::intValue).sum());
    line.put("executors", loadsByJvm.size());
    line.put("failed", result.outcomes().stream().filter(outcome -> !outcome.trained()).count());
    line.put("makespan_over_lower_bound", round(result.plan().ratioToLowerBound()));
    return line;
  }

  /** N tenants, each answering with its own dozen words, so each adapter has its own data. */
  private static void writeCorpus(Path corpus, int tenants, int rows) throws IOException {
    SplittableRandom random = new SplittableRandom(17);
    for (int t = 0; t < tenants; t++) {
      String[] vocabulary = new String[12];
      for (int i = 0; i < vocabulary.length; i++) {
        vocabulary[i] = WORDS[random.nextInt(WORDS.length)];
      }
      List<String> lines = new ArrayList<>();
      for (int r = 0; r < rows; r++) {
        StringBuilder answer = new StringBuilder();
        for (int w = 0; w < 16; w++) {
          answer.append(w == 0 ? "" : " ").append(vocabulary[random.nextInt(vocabulary.length)]);
        }
        ObjectNode line = JSON.createObjectNode();
        var messages = line.putArray("messages");
        messages.addObject().put("role", "user").put("content", "Request " + r + " of tenant " + t);
        messages.addObject().put("role", "assistant").put("content", answer.append('.').toString());
        lines.add(JSON.writeValueAsString(line));
      }
      Path file = corpus.resolve(String.format("tenant-%03d", t)).resolve("part-0.jsonl");
      Files.createDirectories(file.getParent());
      Files.write(file, lines, StandardCharsets.UTF_8);
    }
  }

  private static boolean hasChatTemplate(Path tokenizer) throws IOException {
    Path config = tokenizer.resolve("tokenizer_config.json");
    if (!Files.isRegularFile(config)) {
      return false;
    }
    JsonNode template = JSON.readTree(config.toFile()).get("chat_template");
    return template != null && !template.isNull();
  }

  /** The jar this class was loaded from: the shaded jar, shipped to the executors. */
  private static String applicationJar() {
    try {
      Path location =
          Path.of(
              TrainJobBenchmark.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      if (!Files.isRegularFile(location)) {
        throw new IllegalStateException(
            "Cannot run bench train-job from "
                + location
                + ": it needs the shaded jar (run it"
                + " through ./adapterforge), which the benchmark's executors load");
      }
      return location.toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void awaitExecutors(SparkSession spark, int executors) {
    long deadline = System.nanoTime() + 120_000_000_000L;
    // The driver counts itself among the executor infos.
    while (spark.sparkContext().statusTracker().getExecutorInfos().length - 1 < executors) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "Cannot benchmark: " + executors + " executors did not register within 2 minutes");
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Interrupted while waiting for executors", e);
      }
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static double round(double value) {
    return Math.round(value * 100) / 100.0;
  }
}
