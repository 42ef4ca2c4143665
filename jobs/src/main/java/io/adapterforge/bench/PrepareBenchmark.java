package io.adapterforge.bench;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.adapterforge.config.AdapterforgeConfig;
import io.adapterforge.dataset.PreparedLayout;
import io.adapterforge.jobs.PrepareJob;
import io.adapterforge.preprocessing.PrepareReport;
import io.adapterforge.preprocessing.encode.EncodingSpec;
import io.adapterforge.preprocessing.encode.TokenizedText;
import io.adapterforge.preprocessing.encode.TokenizerCache;
import io.adapterforge.preprocessing.template.ChatTemplates;
import io.adapterforge.preprocessing.template.TemplateLimits;
import io.adapterforge.preprocessing.template.TokenizerChatTemplate;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * {@code bench prepare}: generates a synthetic corpus, runs the prepare job on it, measures the
 * ceiling, then runs the job once more in a fresh JVM, all in one run. The ceiling is the texts the
 * job rendered, encoded by DJL's tokenizer alone (no Spark), one thread per core, through the same
 * native calls as the job ({@link TokenizedText}). The two job runs bracket the ceiling in time, so
 * a machine that speeds up or slows down during the run moves both sides alike; each starts in a
 * JVM that has run nothing else. Reports rows/s and tokens/s of the job (over its mean wall time),
 * the ceiling's tokens/s, their ratio, and the peak heap used while the job ran.
 */
public final class PrepareBenchmark {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int CHUNK = 8192;

  private PrepareBenchmark() {}

  /** Runs the prepare job again, in a fresh JVM, on a corpus into an output folder. */
  @FunctionalInterface
  public interface FreshJvmJob {
    JobRun run(Path corpus, Path output) throws Exception;
  }

  /** One timed run of the prepare job. */
  public record JobRun(
      long rowsWritten, long tokens, double seconds, double cpuSeconds, long peakHeapBytes) {

    /** This run as the JSON line {@code bench prepare --job-only} prints. */
    public ObjectNode json() {
      ObjectNode line = JSON.createObjectNode();
      line.put("rows_written", rowsWritten);
      line.put("tokens", tokens);
      line.put("wall_s", seconds);
      line.put("job_cpu_s", cpuSeconds);
      line.put("peak_heap_bytes", peakHeapBytes);
      return line;
    }

    /** Reads what {@link #json} wrote. */
    public static JobRun fromJson(String line) throws IOException {
      JsonNode node = JSON.readTree(line);
      return new JobRun(
          node.get("rows_written").asLong(),
          node.get("tokens").asLong(),
          node.get("wall_s").asDouble(),
          node.get("job_cpu_s").asDouble(),
          node.get("peak_heap_bytes").asLong());
    }
  }

  /**
   * The whole benchmark: corpus, the job in this JVM, the ceiling, the job in a fresh JVM.
   *
   * @param again runs the job's second time, in a fresh JVM
   */
  public static ObjectNode run(
      SparkSession spark,
      AdapterforgeConfig config,
      Path tokenizerDir,
      String tokenizerName,
      int rows,
      Path workDir,
      Consumer<String> progress,
      FreshJvmJob again)
      throws Exception {
    Path corpus = workDir.resolve("corpus");
    Path output = workDir.resolve("prepared");
    progress.accept("Generating " + rows + " synthetic conversations in " + corpus);
    SyntheticCorpus.write(corpus, rows, 20261126L);

    JobRun first = job(spark, config, tokenizerDir, corpus, output, progress);
    progress.accept("Measuring the ceiling: DJL tokenizer alone on the same rendered texts");
    Ceiling ceiling = ceiling(spark, output, tokenizerDir, config);
    progress.accept("Running the job again, in a fresh JVM");
    JobRun second = again.run(corpus, workDir.resolve("prepared-again"));
    if (second.rowsWritten() != first.rowsWritten() || second.tokens() != first.tokens()) {
      throw new IllegalStateException(
          "The two runs of the job wrote different data: "
              + first.rowsWritten()
              + " rows, "
              + first.tokens()
              + " tokens, then "
              + second.rowsWritten()
              + " rows, "
              + second.tokens()
              + " tokens");
    }

    long written = first.rowsWritten();
    long tokens = first.tokens();
    double seconds = (first.seconds() + second.seconds()) / 2;
    double cpuSeconds = (first.cpuSeconds() + second.cpuSeconds()) / 2;
    ObjectNode line = JSON.createObjectNode();
    line.put("bench", "prepare");
    line.put("tokenizer", tokenizerName);
    line.put("rows_in", rows);
    line.put("rows_written", written);
    line.put("tokens", tokens);
    line.put("cores", Runtime.getRuntime().availableProcessors());
    line.put("wall_s", round(seconds));
    line.putArray("wall_s_runs").add(round(first.seconds())).add(round(second.seconds()));
    line.put("rows_per_s", round(written / seconds));
    line.put("tokens_per_s", round(tokens / seconds));
    line.put("ceiling_tokens_per_s", round(ceiling.tokensPerSecond()));
    line.put("ratio", Math.round(tokens / seconds / ceiling.tokensPerSecond() * 1000) / 1000.0);
    line.put("ceiling_tokens", ceiling.tokens());
    line.put("job_cpu_s", round(cpuSeconds));
    line.put("ceiling_cpu_s", round(ceiling.cpuSeconds()));
    // Tokens per CPU second, job over ceiling: what the job costs beyond tokenizing, whatever else
    // the machine was running at the time (which the wall-clock ratio depends on).
    line.put(
        "cpu_ratio",
        Math.round(tokens / cpuSeconds / (ceiling.tokens() / ceiling.cpuSeconds()) * 1000)
            / 1000.0);
    line.put(
        "peak_heap_mib", Math.max(first.peakHeapBytes(), second.peakHeapBytes()) / (1024 * 1024));
    line.put("max_heap_mib", Runtime.getRuntime().maxMemory() / (1024 * 1024));
    return line;
  }

  /** Runs the prepare job once on a corpus, timing it and sampling the heap while it runs. */
  public static JobRun job(
      SparkSession spark,
      AdapterforgeConfig config,
      Path tokenizerDir,
      Path corpus,
      Path output,
      Consumer<String> progress)
      throws InterruptedException {
    HeapSampler sampler = new HeapSampler();
    sampler.start();
    long start = System.nanoTime();
    long cpuStart = processCpuNanos();
    PrepareReport report =
        PrepareJob.run(
            spark,
            config,
            new PrepareJob.Request(List.of(corpus.toString()), tokenizerDir, output.toString()),
            progress);
    double seconds = (System.nanoTime() - start) / 1e9;
    double cpuSeconds = (processCpuNanos() - cpuStart) / 1e9;
    sampler.stop();
    JsonNode totals = report.json().get("totals");
    return new JobRun(
        totals.get("rows").asLong(),
        totals.get("tokens").asLong(),
        seconds,
        cpuSeconds,
        sampler.peak());
  }

  /** CPU time of this process, all threads, or 0 when the JVM cannot tell. */
  private static long processCpuNanos() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return Math.max(0, os.getProcessCpuTime());
    }
    return 0;
  }

  private record Ceiling(long tokens, double seconds, double cpuSeconds) {
    double tokensPerSecond() {
      return tokens / seconds;
    }
  }

  /** Renders (untimed) and encodes (timed, one thread per core) the written conversations. */
  private static Ceiling ceiling(
      SparkSession spark, Path output, Path tokenizerDir, AdapterforgeConfig config)
      throws Exception {
    String source = EncodingSpec.templateSource(tokenizerDir, config.prepare().chatTemplate());
    TokenizerChatTemplate template =
        ChatTemplates.withTemplate(tokenizerDir, source, TemplateLimits.DEFAULT);
    int threads = Runtime.getRuntime().availableProcessors();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try (HuggingFaceTokenizer tokenizer = TokenizerCache.load(tokenizerDir)) {
      Iterator<Row> rows =
          spark
              .read()
              .parquet(output.resolve(PreparedLayout.DATA_DIR).toString())
              .select(PreparedLayout.CONVERSATION)
              .toLocalIterator();
      long tokens = 0;
      long nanos = 0;
      long cpuNanos = 0;
      while (rows.hasNext()) {
        List<String> texts = new ArrayList<>(CHUNK);
        while (rows.hasNext() && texts.size() < CHUNK) {
          JsonNode conversation = JSON.readTree(rows.next().getString(0));
          texts.add(template.render(conversation.get("messages"), false));
        }
        AtomicLong count = new AtomicLong();
        long start = System.nanoTime();
        long cpuStart = processCpuNanos();
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          // Each thread a contiguous share of the chunk, as each task has its own partition.
          int first = (int) ((long) texts.size() * t / threads);
          int end = (int) ((long) texts.size() * (t + 1) / threads);
          futures.add(
              pool.submit(
                  () -> {
                    long local = 0;
                    for (int i = first; i < end; i++) {
                      local += TokenizedText.of(tokenizer, texts.get(i)).ids().length;
                    }
                    count.addAndGet(local);
                  }));
        }
        for (Future<?> future : futures) {
          future.get();
        }
        nanos += System.nanoTime() - start;
        cpuNanos += processCpuNanos() - cpuStart;
        tokens += count.get();
      }
      return new Ceiling(tokens, nanos / 1e9, cpuNanos / 1e9);
    } finally {
      pool.shutdownNow();
    }
  }

  private static double round(double value) {
    return Math.round(value * 10) / 10.0;
  }

  /** Samples the used heap every 20 ms on a daemon thread; keeps the maximum. */
  private static final class HeapSampler implements Runnable {
    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private volatile boolean running = true;
    private volatile long peak;
    private Thread thread;

    void start() {
      thread = new Thread(this, "heap-sampler");
      thread.setDaemon(true);
      thread.start();
    }

    void stop() throws InterruptedException {
      running = false;
      thread.join();
    }

    long peak() {
      return peak;
    }

    @Override
    public void run() {
      while (running) {
        peak = Math.max(peak, memory.getHeapMemoryUsage().getUsed());
        try {
          Thread.sleep(20);
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }
}
