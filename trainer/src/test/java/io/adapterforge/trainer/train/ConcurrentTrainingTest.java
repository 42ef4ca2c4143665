package io.adapterforge.trainer.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import io.adapterforge.trainer.NdManagerExtension;
import io.adapterforge.trainer.ReferenceModels;
import io.adapterforge.trainer.lora.LoraAdapter;
import io.adapterforge.trainer.lora.LoraSettings;
import io.adapterforge.trainer.lora.TrainableParameter;
import io.adapterforge.trainer.model.DecoderModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Several runs on one model in one JVM, each on its own thread (local mode's slots): they train at
 * the same time, and each gives exactly the numbers it gives alone.
 */
@ExtendWith(NdManagerExtension.class)
class ConcurrentTrainingTest {
  private static final LoraSettings ALL_MODULES = LoraTrainerTest.ALL_MODULES;
  private static final LoraSettings ATTENTION_ONLY =
      new LoraSettings(4, 8, 0.2, List.of("q_proj", "v_proj"), false);

  private static NDManager shared;
  private static DecoderModel model;
  private ExecutorService threads;

  @BeforeAll
  static void loadModel() {
    shared = NDManager.newBaseManager();
    model = DecoderModel.load(ReferenceModels.model("llama"), shared);
  }

  @AfterAll
  static void closeModel() {
    model.close();
    shared.close();
  }

  @BeforeEach
  void startThreads() {
    threads = Executors.newFixedThreadPool(2);
  }

  @AfterEach
  void stopThreads() throws InterruptedException {
    threads.shutdownNow();
    assertThat(threads.awaitTermination(1, TimeUnit.MINUTES)).isTrue();
  }

  /** What one run does: its adapter, rows and options. */
  private record Job(LoraSettings lora, long seed, List<TrainingExample> rows) {
    TrainingOptions options() {
      return LoraTrainerTest.options().optEpochs(4).optSeed(seed).build();
    }
  }

  /** A run's updates with the time each ended, and its trained weights. */
  private record Outcome(
      List<StepMetrics> steps, List<Long> endedNanos, Map<String, float[]> weights) {
    List<Double> losses() {
      return steps.stream().map(StepMetrics::loss).collect(Collectors.toList());
    }

    List<Double> gradNorms() {
      return steps.stream().map(StepMetrics::gradNorm).collect(Collectors.toList());
    }
  }

  @Test
  void twoRunsOnOneModelInTwoThreadsOverlapAndEachGivesTheLossesItGivesAlone(NDManager manager)
      throws Exception {
    Job first = new Job(ALL_MODULES, 5, Rows.random(12, 12, 512, 3));
    Job second = new Job(ATTENTION_ONLY, 6, Rows.random(12, 10, 512, 8));
    Outcome firstAlone = train(first, manager, null);
    Outcome secondAlone = train(second, manager, null);
    // 12 rows in batches of 3, 2 per update, 4 epochs.
    assertThat(firstAlone.steps()).hasSize(8);

    CountDownLatch start = new CountDownLatch(2);
    Future<Outcome> firstRun = threads.submit(() -> train(first, manager, start));
    Future<Outcome> secondRun = threads.submit(() -> train(second, manager, start));
    Outcome firstTogether = firstRun.get(2, TimeUnit.MINUTES);
    Outcome secondTogether = secondRun.get(2, TimeUnit.MINUTES);

    assertThat(firstTogether.losses()).containsExactlyElementsOf(firstAlone.losses());
    assertThat(firstTogether.gradNorms()).containsExactlyElementsOf(firstAlone.gradNorms());
    assertThat(secondTogether.losses()).containsExactlyElementsOf(secondAlone.losses());
    assertThat(secondTogether.gradNorms()).containsExactlyElementsOf(secondAlone.gradNorms());
    firstAlone
        .weights()
        .forEach(
            (key, value) -> assertThat(firstTogether.weights().get(key)).containsExactly(value));
    secondAlone
        .weights()
        .forEach(
            (key, value) -> assertThat(secondTogether.weights().get(key)).containsExactly(value));
    // Each run finished updates while the other was between its first and its last update.
    assertThat(updatesWithin(firstTogether, secondTogether)).as("first within second").isPositive();
    assertThat(updatesWithin(secondTogether, firstTogether)).as("second within first").isPositive();
    assertThat(model.projections()).allSatisfy(p -> assertThat(p.adapter()).isEmpty());
  }

  @Test
  void aRunTrainsWhileAnotherThreadHoldsDjlsGradientCollector(NDManager manager) throws Exception {
    // Thread 1 opens DJL's JVM-wide collector, records a forward pass and waits; while it is open
    // DJL refuses a second collector, so a run that used one could not do a single update.
    Job job = new Job(ALL_MODULES, 5, Rows.random(12, 12, 512, 3));
    Outcome alone = train(job, manager, null);
    Batch batch = Batch.of(Rows.random(3, 9, 512, 5), 0);
    List<float[]> recorded = gradients(batch, manager, null, false);

    CountDownLatch forwardDone = new CountDownLatch(1);
    CountDownLatch trained = new CountDownLatch(1);
    Future<List<float[]>> pending =
        threads.submit(() -> gradients(batch, manager, () -> handOver(forwardDone, trained), true));
    assertThat(forwardDone.await(1, TimeUnit.MINUTES)).isTrue();
    Outcome meanwhile = threads.submit(() -> train(job, manager, null)).get(2, TimeUnit.MINUTES);
    trained.countDown();

    assertThat(meanwhile.losses()).containsExactlyElementsOf(alone.losses());
    assertThat(meanwhile.gradNorms()).containsExactlyElementsOf(alone.gradNorms());
    // And the recorder's gradients are exactly those of DJL's collector.
    List<float[]> collected = pending.get(1, TimeUnit.MINUTES);
    assertThat(collected).hasSameSizeAs(recorded);
    for (int i = 0; i < recorded.size(); i++) {
      assertThat(recorded.get(i)).as("gradient %d", i).containsExactly(collected.get(i));
    }
  }

  @Test
  void aRecorderRestoresItsThreadsGradMode() throws Exception {
    Callable<List<Boolean>> modes =
        () -> {
          List<Boolean> seen = new ArrayList<>();
          for (boolean before : new boolean[] {false, true}) {
            JniUtils.setGradMode(before);
            try (GradientRecorder recorder = GradientRecorder.open()) {
              seen.add(JniUtils.isGradMode());
            }
            seen.add(JniUtils.isGradMode());
          }
          return seen;
        };
    assertThat(threads.submit(modes).get(1, TimeUnit.MINUTES))
        .containsExactly(true, false, true, true);
  }

  @Test
  void aThreadWithoutTheAdapterSeesTheFrozenModel(NDManager manager) throws Exception {
    NDArray ids = manager.create(new long[][] {{3, 14, 15, 92, 65, 35, 89, 79}});
    float[] frozen = model.logits(ids, null).toFloatArray();
    try (LoraAdapter adapter = trainedAdapter(manager)) {
      float[] adapted;
      try (LoraAdapter.Attachment attached = adapter.attach(model)) {
        adapted = model.logits(ids, null).toFloatArray();
      }
      assertThat(adapted).isNotEqualTo(frozen);
      try (ThreadAttachment attached = ThreadAttachment.attach(model, adapter)) {
        assertThat(model.logits(ids, null).toFloatArray()).containsExactly(adapted);
        float[] elsewhere =
            threads
                .submit(
                    () -> {
                      try (NDManager own = NDManager.newBaseManager()) {
                        NDArray copy = own.create(new long[][] {{3, 14, 15, 92, 65, 35, 89, 79}});
                        return model.logits(copy, null).toFloatArray();
                      }
                    })
                .get(1, TimeUnit.MINUTES);
        assertThat(elsewhere).containsExactly(frozen);
      }
      assertThat(model.projections()).allSatisfy(p -> assertThat(p.adapter()).isEmpty());
    }
  }

  @Test
  void refusesAnAdapterForEveryThreadBesideThreadAdaptersAndViceVersa(NDManager manager)
      throws Exception {
    try (LoraAdapter first = LoraAdapter.create(model, ALL_MODULES, 1, manager);
        LoraAdapter second = LoraAdapter.create(model, ALL_MODULES, 2, manager)) {
      try (ThreadAttachment attached = ThreadAttachment.attach(model, first)) {
        assertThatThrownBy(() -> second.attach(model))
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("already has an adapter");
        assertThatThrownBy(() -> ThreadAttachment.attach(model, second))
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("it has one there already");
        assertThatThrownBy(
                () ->
                    threads
                        .submit(() -> ThreadAttachment.attach(model, first))
                        .get(1, TimeUnit.MINUTES))
            .hasRootCauseInstanceOf(IllegalStateException.class)
            .hasRootCauseMessage(
                "Cannot attach a LoRA adapter on two threads: it is on " + model + " already");
      }
      try (LoraAdapter.Attachment attached = first.attach(model)) {
        assertThatThrownBy(() -> ThreadAttachment.attach(model, second))
            .isInstanceOf(IllegalStateException.class)
            .hasMessage(
                "Cannot attach LoRA to "
                    + model
                    + " for thread "
                    + Thread.currentThread().getName()
                    + ": projection model.layers.0.self_attn.q_proj has an adapter for every"
                    + " thread (detach it first)");
      }
      assertThat(model.projections()).allSatisfy(p -> assertThat(p.adapter()).isEmpty());
    }
  }

  @Test
  void setsTheIntraOpThreadsOfTheCallingThread() throws Exception {
    int before = TorchThreads.current();
    try {
      assertThat(
              threads
                  .submit(
                      () -> {
                        TorchThreads.use(2);
                        return TorchThreads.current();
                      })
                  .get(1, TimeUnit.MINUTES))
          .isEqualTo(2);
    } finally {
      TorchThreads.use(before);
    }
    assertThat(TorchThreads.current()).isEqualTo(before);
    assertThatThrownBy(() -> TorchThreads.use(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot use 0 libtorch threads: must be positive");
  }

  /** Trains {@code job} on the calling thread, after {@code start} (if any) counts all down. */
  private static Outcome train(Job job, NDManager manager, CountDownLatch start)
      throws InterruptedException {
    List<StepMetrics> steps = new ArrayList<>();
    List<Long> ended = new ArrayList<>();
    try (NDManager own = manager.newSubManager();
        LoraAdapter adapter = LoraAdapter.create(model, job.lora(), job.seed(), own)) {
      if (start != null) {
        start.countDown();
        start.await();
      }
      LoraTrainer.train(
          model,
          adapter,
          ExampleSource.of(job.rows()),
          null,
          job.options(),
          metrics -> {
            steps.add(metrics);
            ended.add(System.nanoTime());
          });
      return new Outcome(steps, ended, values(adapter));
    }
  }

  /** How many of {@code run}'s updates ended between the first and the last of {@code other}'s. */
  private static long updatesWithin(Outcome run, Outcome other) {
    long from = other.endedNanos().get(0);
    long to = other.endedNanos().get(other.endedNanos().size() - 1);
    return run.endedNanos().stream().filter(t -> t > from && t < to).count();
  }

  /**
   * The LoRA gradients of one forward and backward pass of a trained adapter on {@code batch}, on
   * the calling thread, recorded by a {@link GradientRecorder} or by DJL's collector; {@code
   * betweenPasses} runs after the forward pass.
   */
  private static List<float[]> gradients(
      Batch batch, NDManager manager, Runnable betweenPasses, boolean djlCollector) {
    try (NDManager own = manager.newSubManager();
        LoraAdapter adapter = trainedAdapter(own);
        AdamW optimizer = new AdamW(adapter.parameters(), 0.9, 0.999, 1e-8, 0);
        ThreadAttachment attached = ThreadAttachment.attach(model, adapter)) {
      optimizer.zeroGradients();
      adapter.setTraining(true);
      adapter.setDropoutKey(9);
      try (NDManager scope = adapter.manager().newSubManager()) {
        if (djlCollector) {
          try (GradientCollector collector = scope.getEngine().newGradientCollector()) {
            NDArray loss = CausalLmLoss.sum(model, batch, scope);
            betweenPasses.run();
            collector.backward(loss);
          }
        } else {
          try (GradientRecorder recorder = GradientRecorder.open()) {
            recorder.backward(CausalLmLoss.sum(model, batch, scope));
          }
        }
      } finally {
        adapter.setTraining(false);
      }
      return gradientsOf(adapter);
    }
  }

  /** An adapter whose B is not zero, so that it changes the model's outputs. */
  private static LoraAdapter trainedAdapter(NDManager manager) {
    LoraAdapter adapter = LoraAdapter.create(model, ALL_MODULES, 4, manager);
    int i = 0;
    for (TrainableParameter parameter : adapter.parameters()) {
      float[] values = new float[Math.toIntExact(parameter.array().size())];
      for (int j = 0; j < values.length; j++) {
        values[j] = (float) Math.sin(31 * i + j) * 0.2f;
      }
      try (NDArray source = manager.create(values, parameter.array().getShape())) {
        parameter.array().stopGradient().set(new NDIndex("..."), source);
      }
      i++;
    }
    return adapter;
  }

  private static List<float[]> gradientsOf(LoraAdapter adapter) {
    List<float[]> gradients = new ArrayList<>();
    for (TrainableParameter parameter : adapter.parameters()) {
      try (NDArray gradient = parameter.array().getGradient()) {
        gradients.add(gradient.toFloatArray());
      }
    }
    return gradients;
  }

  private static void handOver(CountDownLatch forwardDone, CountDownLatch trained) {
    forwardDone.countDown();
    try {
      if (!trained.await(2, TimeUnit.MINUTES)) {
        throw new IllegalStateException("The other thread's run did not finish");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static Map<String, float[]> values(LoraAdapter adapter) {
    Map<String, float[]> values = new TreeMap<>();
    adapter.tensors().forEach((key, array) -> values.put(key, array.toFloatArray()));
    return values;
  }
}
