package io.adapterforge.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.adapterforge.trainer.NativeArrays;
import io.adapterforge.trainer.lora.LoraAdapter;
import io.adapterforge.trainer.lora.LoraSettings;
import io.adapterforge.trainer.model.DecoderModel;
import io.adapterforge.trainer.storage.StorageDirectory;
import io.adapterforge.trainer.train.AdamW;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code adapterforge bench train}: the time of one LoRA training step (forward, backward, AdamW)
 * on random tokens, next to the same step in eager PyTorch when {@code /usr/bin/python3} has torch.
 */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {
      "Time LoRA training steps (forward + backward + AdamW, LoRA rank R with alpha 2R and no"
          + " dropout on q/k/v/o/gate/up/down_proj of every layer) on random tokens, after one"
          + " untimed warm-up step.",
      "Prints one JSON line: tokens/s, the median step in ms, the peak RSS (VmHWM), the threads,"
          + " and the median step of the same LoRA step in eager PyTorch, timed in the same run by"
          + " a script on --python when it has torch, with their ratio."
    })
final class BenchTrainCommand implements Callable<Integer> {
  static final String THREADS_PROPERTY = "ai.djl.pytorch.num_threads";
  static final List<String> MODULES =
      List.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj");
  private static final String TORCH_SCRIPT = "/io/adapterforge/trainer/bench/torch_lora_step.py";
  private static final ObjectMapper JSON = new ObjectMapper();

  @Option(names = "--base-model", required = true, paramLabel = "DIR", description = "Model.")
  String baseModel;

  @Option(names = "--batch", required = true, paramLabel = "B", description = "Rows per step.")
  int batch;

  @Option(names = "--seq-len", required = true, paramLabel = "S", description = "Tokens per row.")
  int seqLen;

  @Option(names = "--steps", required = true, paramLabel = "K", description = "Timed steps.")
  int steps;

  @Option(names = "--rank", required = true, paramLabel = "R", description = "LoRA rank.")
  int rank;

  @Option(
      names = "--threads",
      paramLabel = "T",
      description =
          "libtorch intra-op threads, for both sides (default: the cores); takes effect only when"
              + " the engine has not started yet in this JVM.")
  Integer threads;

  @Option(
      names = "--python",
      defaultValue = "/usr/bin/python3",
      paramLabel = "PATH",
      description = "Python with torch for the eager PyTorch timing (default ${DEFAULT-VALUE}).")
  Path python;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException, InterruptedException {
    for (var check :
        List.of(
            new Object[] {"--batch", batch},
            new Object[] {"--seq-len", seqLen},
            new Object[] {"--steps", steps},
            new Object[] {"--rank", rank},
            new Object[] {"--threads", threads == null ? 1 : threads})) {
      if ((Integer) check[1] < 1) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "Cannot use " + check[0] + " " + check[1] + ": must be positive");
      }
    }
    if (seqLen < 2) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "Cannot use --seq-len " + seqLen + ": must be at least 2");
    }
    int threadCount = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
    // Read by DJL's PyTorch engine when it starts; must come before the first NDManager.
    System.setProperty(THREADS_PROPERTY, Integer.toString(threadCount));

    double[] stepMillis = new double[steps];
    double loss;
    try (NDManager manager = NDManager.newBaseManager();
        DecoderModel model = DecoderModel.load(StorageDirectory.of(baseModel), manager);
        LoraAdapter lora =
            LoraAdapter.create(
                model, new LoraSettings(rank, 2.0 * rank, 0, MODULES, false), 1, manager);
        AdamW optimizer = new AdamW(lora.parameters(), 0.9, 0.999, 1e-8, 0.0);
        LoraAdapter.Attachment attached = lora.attach(model)) {
      SplittableRandom random = new SplittableRandom(1);
      int vocab = model.config().vocabSize();
      loss = Double.NaN;
      // Training mode: the LoRA weights are tracked by the gradient collector (no dropout at 0).
      lora.setTraining(true);
      for (int step = -1; step < steps; step++) {
        long[] ids = new long[batch * seqLen];
        long[] targets = new long[batch * (seqLen - 1)];
        for (int i = 0; i < ids.length; i++) {
          ids[i] = random.nextInt(vocab);
        }
        for (int row = 0; row < batch; row++) {
          System.arraycopy(ids, row * seqLen + 1, targets, row * (seqLen - 1), seqLen - 1);
        }
        long started = System.nanoTime();
        loss = step(model, lora, optimizer, ids, targets);
        if (step >= 0) {
          stepMillis[step] = (System.nanoTime() - started) / 1e6;
        }
      }
    }
    double median = median(stepMillis);
    ObjectNode line = JSON.createObjectNode();
    line.put("benchmark", "train");
    line.put("base_model", baseModel);
    line.put("batch", batch);
    line.put("seq_len", seqLen);
    line.put("steps", steps);
    line.put("rank", rank);
    line.put("threads", threadCount);
    line.put("tokens_per_s", batch * (double) seqLen / (median / 1000));
    line.put("median_step_ms", median);
    line.put("peak_rss_mb", peakRssMegabytes());
    line.put("loss", loss);
    TorchTiming torch = timeTorch(threadCount);
    if (torch.medianMillis() != null) {
      line.put("torch_median_step_ms", torch.medianMillis());
      line.put("ratio_to_torch", median / torch.medianMillis());
      line.put("torch_version", torch.version());
    } else {
      line.putNull("torch_median_step_ms");
      line.put("torch_error", torch.error());
    }
    PrintWriter out = spec.commandLine().getOut();
    out.println(line.toString());
    out.flush();
    return 0;
  }

  /** One update: mean next-token cross-entropy over every position, backward, AdamW. */
  private static double step(
      DecoderModel model, LoraAdapter lora, AdamW optimizer, long[] ids, long[] targets) {
    // Each row has one more id than targets.
    int rows = ids.length - targets.length;
    int seq = ids.length / rows;
    optimizer.zeroGradients();
    double loss;
    try (NDManager scope = lora.manager().newSubManager();
        GradientCollector collector = scope.getEngine().newGradientCollector()) {
      NDArray hidden =
          model.hiddenStates(NativeArrays.copyOf(scope, ids, new Shape(rows, seq)), null);
      NDArray shifted = hidden.get(":, :-1, :");
      NDArray logProbabilities = model.head(shifted).logSoftmax(-1);
      NDArray picked =
          logProbabilities.gather(
              NativeArrays.copyOf(scope, targets, new Shape(rows, seq - 1, 1)), 2);
      NDArray mean = picked.neg().mean();
      loss = mean.getFloat();
      collector.backward(mean);
    }
    optimizer.step(1e-4);
    return loss;
  }

  private record TorchTiming(Double medianMillis, String version, String error) {}

  /** Runs the eager PyTorch script on the same model and shapes; an error string if it cannot. */
  private TorchTiming timeTorch(int threadCount) throws IOException, InterruptedException {
    if (!Files.isExecutable(python)) {
      return new TorchTiming(null, null, "no " + python);
    }
    Path script = Files.createTempFile("torch_lora_step", ".py");
    try {
      try (InputStream in = BenchTrainCommand.class.getResourceAsStream(TORCH_SCRIPT)) {
        if (in == null) {
          throw new IllegalStateException(
              "Cannot find " + TORCH_SCRIPT + " on the class path: the trainer jar lacks it");
        }
        Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
      }
      Path log = Files.createTempFile("torch_lora_step", ".out");
      try {
        Process process =
            new ProcessBuilder(
                    python.toString(),
                    script.toString(),
                    baseModel,
                    Integer.toString(batch),
                    Integer.toString(seqLen),
                    Integer.toString(steps),
                    Integer.toString(rank),
                    Integer.toString(threadCount))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        if (!process.waitFor(30, TimeUnit.MINUTES)) {
          process.destroyForcibly();
          return new TorchTiming(null, null, "the PyTorch script ran over 30 minutes");
        }
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        String last = lines.isEmpty() ? "" : lines.get(lines.size() - 1);
        if (process.exitValue() != 0 || !last.startsWith("{")) {
          return new TorchTiming(
              null, null, "the PyTorch script exited " + process.exitValue() + ": " + last);
        }
        JsonNode result = JSON.readTree(last);
        return new TorchTiming(
            result.get("median_step_ms").asDouble(), result.get("torch").asText(), null);
      } finally {
        Files.deleteIfExists(log);
      }
    } finally {
      Files.deleteIfExists(script);
    }
  }

  static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  /** VmHWM of this process in MiB; -1 where /proc is not there. */
  static double peakRssMegabytes() throws IOException {
    Path status = Path.of("/proc/self/status");
    if (!Files.isReadable(status)) {
      return -1;
    }
    List<String> found = new ArrayList<>();
    for (String line : Files.readAllLines(status)) {
      if (line.startsWith("VmHWM:")) {
        found.add(line.substring(6).trim());
      }
    }
    if (found.isEmpty()) {
      return -1;
    }
    String[] parts = found.get(0).split("\\s+");
    return Long.parseLong(parts[0]) / 1024.0;
  }
}
