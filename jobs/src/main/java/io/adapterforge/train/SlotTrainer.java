package io.adapterforge.train;

import ai.djl.Device;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.adapterforge.dataset.PreparedLayout;
import io.adapterforge.trainer.lora.LoraAdapter;
import io.adapterforge.trainer.lora.LoraSettings;
import io.adapterforge.trainer.peft.PeftAdapter;
import io.adapterforge.trainer.train.LoraTrainer;
import io.adapterforge.trainer.train.StepMetrics;
import io.adapterforge.trainer.train.TrainingListener;
import io.adapterforge.trainer.train.TrainingOptions;
import io.adapterforge.trainer.train.TrainingResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;

/**
 * The body of one slot's task: trains the slot's adapters one after another on this executor's
 * cached base model ({@link BaseModelCache}), each from its own Parquet partition folders, and
 * returns one {@link AdapterOutcome} per adapter.
 *
 * <p>Per adapter: a finished marker of this run means it was trained by an earlier attempt, whose
 * row is returned as it was (no retraining); otherwise training resumes from the adapter's newest
 * checkpoint, if any, writes the PEFT folder atomically, then the marker. Any failure of one
 * adapter (unreadable rows, diverged loss) becomes a {@code failed} row with its reason and the
 * next adapter goes on.
 *
 * <p>Threads: the first task of a JVM sets {@code ai.djl.pytorch.num_threads} before libtorch
 * starts, and every task sets libtorch's intra-op threads for its own thread ({@link
 * io.adapterforge.trainer.train.TorchThreads}, through {@link TaskDevice}): threads per slot, else
 * that property when set (the train job sets it in local mode), else the task's cpus. Tasks sharing
 * a JVM (local mode) share its cached base model and train at the same time, each on its own
 * thread. Device: the task's {@code gpu} resource when Spark gave one and libtorch sees CUDA
 * devices; otherwise the CPU, with a log line saying so.
 */
public final class SlotTrainer
    implements FlatMapFunction<Iterator<Tuple2<Integer, SlotWork>>, AdapterOutcome> {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(SlotTrainer.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long PROGRESS_INTERVAL_MILLIS = 200;

  @Override
  public Iterator<AdapterOutcome> call(Iterator<Tuple2<Integer, SlotWork>> slots) {
    List<AdapterOutcome> outcomes = new ArrayList<>();
    while (slots.hasNext()) {
      SlotWork work = slots.next()._2();
      outcomes.addAll(trainSlot(work));
    }
    return outcomes.iterator();
  }

  private static List<AdapterOutcome> trainSlot(SlotWork work) {
    TaskContext task = TaskContext.get();
    Optional<String> gpu = TaskDevice.gpuAddress(task);
    TaskDevice.useThreads(work.settings().threadsPerSlot(), task);
    Device device = TaskDevice.device(gpu, "Slot " + work.slot(), LOG::warn);
    List<AdapterOutcome> outcomes = new ArrayList<>();
    if (work.adapters().isEmpty()) {
      return outcomes;
    }
    Context context = new Context(work, gpu.orElse(null), device);
    for (AdapterSpec spec : work.adapters()) {
      outcomes.add(trainAdapter(context, spec));
    }
    return outcomes;
  }

  private static AdapterOutcome trainAdapter(Context context, AdapterSpec spec) {
    SlotWork work = context.work;
    Path output = Path.of(work.output());
    Path done = TrainLayout.done(output, work.runId(), spec.adapterId());
    Optional<AdapterOutcome> finished = readDone(done);
    if (finished.isPresent()) {
      LOG.info(
          "Adapter {} was finished by attempt {}: not retrained",
          spec.adapterId(),
          finished.get().attempt());
      return finished.get();
    }
    long started = System.nanoTime();
    int attempt = nextAttempt(TrainLayout.attempts(output, work.runId(), spec.adapterId()));
    try (BaseModelCache.Lease lease =
        BaseModelCache.acquire(
            work.baseModel(), work.baseModelFingerprint(), context.device, LOG::info)) {
      // Time on this adapter only: not the base model's load (or the wait for another slot of
      // this JVM loading it).
      started = System.nanoTime();
      Configuration hadoop = new Configuration();
      ParquetExampleSource training =
          new ParquetExampleSource(work.prepared(), spec.adapterId(), PreparedLayout.TRAIN, hadoop);
      ParquetExampleSource validation =
          new ParquetExampleSource(
              work.prepared(), spec.adapterId(), PreparedLayout.VALIDATION, hadoop);
      TrainSettings settings = work.settings();
      TrainingOptions options =
          TrainingOptions.builder()
              .optEpochs(spec.epochs())
              .optMaxSteps(settings.maxSteps())
              .optBatchSize(settings.batchSize())
              .optLearningRate(spec.learningRate())
              .optSeed(settings.seed())
              .optEvalSteps(settings.evalEvery())
              .optCheckpoints(
                  TrainLayout.checkpoints(output, work.runId(), spec.adapterId()),
                  settings.checkpointEvery(),
                  2)
              .build();
      ProgressWriter progress = new ProgressWriter(context, spec.adapterId(), attempt);
      TrainingResult result;
      try (LoraAdapter adapter =
          LoraAdapter.create(
              lease.model(), LoraSettings.of(spec.lora()), settings.seed(), lease.manager())) {
        result =
            LoraTrainer.train(
                lease.model(),
                adapter,
                training,
                validation.size() == 0 ? null : validation,
                options,
                progress);
        PeftAdapter.write(
            TrainLayout.adapter(output, spec.adapterId()), adapter, work.baseModel(), result);
      }
      double seconds = (System.nanoTime() - started) / 1e9;
      long tokens = 0;
      long tokensThisAttempt = 0;
      for (StepMetrics step : result.history()) {
        tokens += step.tokens();
        if (step.step() > result.resumedFromStep()) {
          tokensThisAttempt += step.tokens();
        }
      }
      StepMetrics last =
          result.history().isEmpty() ? null : result.history().get(result.history().size() - 1);
      AdapterOutcome outcome =
          new AdapterOutcome(
              spec.adapterId(),
              AdapterOutcome.TRAINED,
              null,
              result.steps(),
              last == null ? 0 : last.epoch(),
              result.finalLoss(),
              result.bestValidationLoss().isPresent()
                  ? result.bestValidationLoss().getAsDouble()
                  : null,
              tokens,
              seconds > 0 ? tokensThisAttempt / seconds : 0,
              seconds,
              work.slot(),
              context.gpu,
              context.device.toString(),
              attempt,
              result.resumedFromStep(),
              context.executorId,
              context.pid,
              BaseModelCache.loads());
      writeDone(done, outcome);
      LOG.info(
          "Adapter {} trained: {} steps, loss {}, {} s",
          spec.adapterId(),
          result.steps(),
          result.finalLoss(),
          String.format("%.1f", seconds));
      return outcome;
    } catch (RuntimeException e) {
      LOG.error("Adapter {} failed", spec.adapterId(), e);
      return new AdapterOutcome(
          spec.adapterId(),
          AdapterOutcome.FAILED,
          e.getMessage() == null ? e.toString() : e.getMessage(),
          0,
          0,
          Double.NaN,
          null,
          0,
          0,
          (System.nanoTime() - started) / 1e9,
          work.slot(),
          context.gpu,
          context.device.toString(),
          attempt,
          0,
          context.executorId,
          context.pid,
          BaseModelCache.loads());
    }
  }

  /**
   * This run's count of starts on one adapter, then counts this one: 0 the first time. A Spark task
   * attempt number would not do: losing an executor also loses its shuffle output, so the slot
   * comes back in a new stage attempt whose task attempts count from 0 again.
   */
  private static int nextAttempt(Path counter) {
    try {
      int previous =
          Files.isRegularFile(counter) ? Integer.parseInt(Files.readString(counter).trim()) : 0;
      Files.createDirectories(counter.getParent());
      Path temp = Files.createTempFile(counter.getParent(), ".attempts", ".tmp");
      Files.writeString(temp, Integer.toString(previous + 1));
      Files.move(
          temp, counter, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      return previous;
    } catch (IOException | NumberFormatException e) {
      throw new IllegalStateException("Cannot count the attempts in " + counter + ": " + e, e);
    }
  }

  private static Optional<AdapterOutcome> readDone(Path done) {
    if (!Files.isRegularFile(done)) {
      return Optional.empty();
    }
    try {
      return Optional.of(JSON.readValue(done.toFile(), AdapterOutcome.class));
    } catch (IOException e) {
      LOG.warn("Cannot read the finished marker {}: training again", done, e);
      return Optional.empty();
    }
  }

  private static void writeDone(Path done, AdapterOutcome outcome) {
    try {
      Files.createDirectories(done.getParent());
      Path temp = Files.createTempFile(done.getParent(), "." + outcome.adapterId(), ".tmp");
      Files.write(temp, JSON.writeValueAsBytes(outcome));
      Files.move(temp, done, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write the finished marker " + done + ": " + e, e);
    }
  }

  /** What every adapter of one task shares. */
  private static final class Context {
    final SlotWork work;
    final String gpu;
    final Device device;
    final String executorId;
    final long pid;

    Context(SlotWork work, String gpu, Device device) {
      this.work = work;
      this.gpu = gpu;
      this.device = device;
      SparkEnv env = SparkEnv.get();
      this.executorId = env == null ? "none" : env.executorId();
      this.pid = ProcessHandle.current().pid();
    }
  }

  /** Writes progress entries as updates finish. */
  private static final class ProgressWriter implements TrainingListener {
    private final Context context;
    private final String adapterId;
    private final int attempt;
    private final Path dir;
    private final long startedMillis = System.currentTimeMillis();
    private long startStep = -1;
    private long lastWritten;

    ProgressWriter(Context context, String adapterId, int attempt) {
      this.context = context;
      this.adapterId = adapterId;
      this.attempt = attempt;
      this.dir = TrainLayout.progress(Path.of(context.work.output()), context.work.runId());
    }

    @Override
    public void onStep(StepMetrics metrics) {
      if (startStep < 0) {
        startStep = metrics.step() - 1;
      }
      long now = System.currentTimeMillis();
      boolean edge = metrics.step() == startStep + 1 || metrics.step() == metrics.totalSteps();
      if (!edge && now - lastWritten < PROGRESS_INTERVAL_MILLIS) {
        return;
      }
      lastWritten = now;
      TrainProgress.write(
          dir,
          new TrainProgress.Entry(
              adapterId,
              context.work.slot(),
              metrics.step(),
              metrics.totalSteps(),
              metrics.loss(),
              startedMillis,
              startStep,
              now,
              context.executorId,
              context.pid,
              attempt));
    }
  }
}
