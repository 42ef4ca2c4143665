package io.adapterforge.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.resource.ResourceInformation;
import org.apache.spark.sql.SparkSession;

/**
 * Checks a cluster end to end: waits until the expected executors have registered, runs a few short
 * tasks, and reports where each ran (executor, JVM pid, host, GPU addresses). Run it with
 * spark-submit to see that executors start, reach the driver and get the GPUs they asked for.
 *
 * <pre>
 * spark-submit --class io.adapterforge.jobs.ClusterCheckJob adapterforge.jar \
 *     --executors 2 --tasks 8 --output check.json
 * </pre>
 */
public final class ClusterCheckJob {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private ClusterCheckJob() {}

  public static void main(String[] args) throws IOException {
    Map<String, String> options = parse(args);
    int executors = Integer.parseInt(options.getOrDefault("--executors", "1"));
    int tasks = Integer.parseInt(options.getOrDefault("--tasks", String.valueOf(4 * executors)));
    Path output = Path.of(options.getOrDefault("--output", "cluster-check.json"));
    SparkSession spark = SparkSession.builder().appName("adapterforge cluster check").getOrCreate();
    try {
      List<TaskPlacement> placements = run(spark, executors, tasks, Duration.ofMinutes(2));
      write(placements, output);
      System.out.println(summarize(placements));
    } finally {
      spark.stop();
    }
  }

  /**
   * Waits for {@code executors} executors (up to {@code wait}), then runs {@code tasks} tasks of
   * about 300 ms each so that every executor takes some, and returns where each ran.
   */
  public static List<TaskPlacement> run(
      SparkSession spark, int executors, int tasks, Duration wait) {
    JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
    awaitExecutors(context, executors, wait);
    List<Integer> indices = IntStream.range(0, tasks).boxed().toList();
    return context.parallelize(indices, tasks).mapPartitions(new Probe()).collect();
  }

  /** One line per executor: its pid, host, task count and GPUs. */
  public static String summarize(List<TaskPlacement> placements) {
    Map<String, List<TaskPlacement>> byExecutor = new LinkedHashMap<>();
    for (TaskPlacement placement : placements) {
      byExecutor.computeIfAbsent(placement.executorId(), k -> new ArrayList<>()).add(placement);
    }
    StringBuilder out =
        new StringBuilder(
            String.format("%d tasks ran on %d executors%n", placements.size(), byExecutor.size()));
    byExecutor.forEach(
        (executor, list) ->
            out.append(
                String.format(
                    "  executor %s: pid %d on %s, %d tasks, GPUs %s%n",
                    executor,
                    list.get(0).pid(),
                    list.get(0).host(),
                    list.size(),
                    list.stream().flatMap(p -> p.gpus().stream()).distinct().sorted().toList())));
    return out.toString();
  }

  private static void awaitExecutors(JavaSparkContext context, int executors, Duration wait) {
    long deadline = System.nanoTime() + wait.toNanos();
    while (registeredExecutors(context) < executors) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            String.format(
                "Only %d of %d executors registered within %s",
                registeredExecutors(context), executors, wait));
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Interrupted while waiting for executors", e);
      }
    }
  }

  private static int registeredExecutors(JavaSparkContext context) {
    // The driver's own block manager is listed too, except in local mode where it is the executor.
    int blockManagers = context.sc().getExecutorMemoryStatus().size();
    return context.sc().isLocal() ? blockManagers : blockManagers - 1;
  }

  private static void write(List<TaskPlacement> placements, Path output) throws IOException {
    Path absolute = output.toAbsolutePath();
    Files.createDirectories(absolute.getParent());
    Path temp = absolute.resolveSibling(absolute.getFileName() + ".tmp");
    JSON.writeValue(temp.toFile(), placements);
    Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  private static Map<String, String> parse(String[] args) {
    Map<String, String> options = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i += 2) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException(
            "Usage: ClusterCheckJob [--executors N] [--tasks N] [--output FILE]; got "
                + Arrays.toString(args));
      }
      options.put(args[i], args[i + 1]);
    }
    return options;
  }

  /** Runs on executors: records where the task ran. Captures nothing. */
  private static final class Probe implements FlatMapFunction<Iterator<Integer>, TaskPlacement> {
    private static final long serialVersionUID = 1L;

    @Override
    public Iterator<TaskPlacement> call(Iterator<Integer> ignored) throws Exception {
      // Long enough that one executor cannot drain the queue before the others ask for work.
      Thread.sleep(300);
      TaskContext task = TaskContext.get();
      ResourceInformation gpu = task.resourcesJMap().get("gpu");
      List<String> gpus = gpu == null ? List.of() : List.of(gpu.addresses());
      TaskPlacement placement =
          new TaskPlacement(
              task.partitionId(),
              SparkEnv.get().executorId(),
              InetAddress.getLocalHost().getHostName(),
              ProcessHandle.current().pid(),
              gpus);
      return List.of(placement).iterator();
    }
  }
}
