package io.adapterforge.evaluation.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import io.adapterforge.trainer.NativeArrays;
import io.adapterforge.trainer.lora.LoraAdapter;
import io.adapterforge.trainer.lora.LoraSettings;
import io.adapterforge.trainer.model.AttentionType;
import io.adapterforge.trainer.model.DecoderModel;
import io.adapterforge.trainer.model.ModelConfig;
import io.adapterforge.trainer.model.ModelType;
import io.adapterforge.trainer.model.RandomBaseModel;
import io.adapterforge.trainer.model.TokenizerFiles;
import io.adapterforge.trainer.peft.PeftAdapter;
import io.adapterforge.trainer.storage.StorageDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class GreedyGeneratorTest {
  static {
    // As the trainer's tests do (SingleThreadedTorch): tiny tensors gain nothing from a second
    // libtorch thread, and on a busy two-core machine OpenMP's spinning makes each op far slower.
    if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
      System.setProperty("ai.djl.pytorch.num_threads", "1");
      System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
    }
  }

  private static final int VOCAB = 96;
  private static final int[] PROMPT = {5, 17, 3, 60, 42, 8};
  private static final int MAX_NEW_TOKENS = 12;

  @TempDir static Path directory;

  private static NDManager manager;
  private static final Map<ModelType, DecoderModel> MODELS = new EnumMap<>(ModelType.class);

  private final GreedyGenerator generator = new GreedyGenerator();

  @BeforeAll
  static void writeTinyRandomModels() throws IOException {
    manager = NDManager.newBaseManager();
    Path tokenizerFolder = Files.createDirectories(directory.resolve("tokenizer"));
    Files.writeString(
        tokenizerFolder.resolve("tokenizer.json"),
        "{\"model\": {\"type\": \"WordLevel\", \"vocab\": {\"<pad>\": 0, \"<eos>\": 1}}}");
    Files.writeString(
        tokenizerFolder.resolve("tokenizer_config.json"),
        "{\"eos_token\": \"<eos>\", \"pad_token\": \"<pad>\"}");
    TokenizerFiles tokenizer = TokenizerFiles.read(tokenizerFolder);
    ModelConfig gemma =
        ModelConfig.parse(
            "{\"model_type\": \"gemma3_text\", \"vocab_size\": "
                + VOCAB
                + ", \"hidden_size\": 64, \"num_hidden_layers\": 3, \"num_attention_heads\": 4,"
                + " \"num_key_value_heads\": 1, \"intermediate_size\": 128, \"head_dim\": 16,"
                + " \"query_pre_attn_scalar\": 16, \"max_position_embeddings\": 64,"
                + " \"sliding_window\": 4, \"sliding_window_pattern\": 2,"
                // Tied to the scaled embeddings, a random model only ever repeats its input token.
                + " \"tie_word_embeddings\": false}",
            "the test's gemma3_text config");
    // The window must cut into prompt and reply for the test to cover sliding layers.
    assertThat(gemma.layerTypes()).contains(AttentionType.SLIDING_ATTENTION);
    assertThat(gemma.slidingWindow()).isLessThan(PROMPT.length);
    List<ModelConfig> configs =
        List.of(
            RandomBaseModel.config(ModelType.LLAMA, VOCAB, 64, 2, 4, 2, 128, 0, 64, false),
            RandomBaseModel.config(ModelType.QWEN3, VOCAB, 64, 2, 4, 2, 128, 16, 64, false),
            gemma);
    for (ModelConfig config : configs) {
      Path folder = directory.resolve(config.modelType().configName());
      // Weights far larger than transformers' 0.02, so that logits are peaked and greedy choices
      // vary from step to step.
      RandomBaseModel.write(config, 11, 0.3, tokenizer, folder, manager);
      MODELS.put(config.modelType(), DecoderModel.load(folder, manager));
    }
  }

  @AfterAll
  static void closeModels() {
    MODELS.values().forEach(DecoderModel::close);
    manager.close();
  }

  @ParameterizedTest
  @EnumSource(
      value = ModelType.class,
      names = {"LLAMA", "QWEN3", "GEMMA3_TEXT"})
  void choosesTheTokensOfGreedyDecodingByRecomputingTheWholeSequence(ModelType type) {
    DecoderModel model = MODELS.get(type);

    Generation generation = generator.generate(model, PROMPT, MAX_NEW_TOKENS, Set.of());

    assertThat(generation.tokenIds()).containsExactly(recomputedGreedy(model, MAX_NEW_TOKENS));
    assertThat(generation.stoppedAtStop()).isFalse();
    assertThat(generation.newTokens()).isEqualTo(MAX_NEW_TOKENS);
    assertThat(generation.promptTokens()).isEqualTo(PROMPT.length);
    assertThat(generation.prefillTime()).isPositive();
    assertThat(generation.decodeTime()).isPositive();
    // A model stuck on one token would make the comparison above weak.
    assertThat(IntStream.of(generation.tokenIds()).distinct().count()).isGreaterThan(2);
  }

  @Test
  void stopsAtAStopTokenAndLeavesItOut() {
    DecoderModel model = MODELS.get(ModelType.GEMMA3_TEXT);
    int[] free = generator.generate(model, PROMPT, MAX_NEW_TOKENS, Set.of()).tokenIds();
    // The first token that has not come before it: stopping there keeps every earlier one.
    int stopAt =
        IntStream.range(1, free.length)
            .filter(i -> IntStream.range(0, i).noneMatch(j -> free[j] == free[i]))
            .findFirst()
            .orElseThrow();

    Generation stopped = generator.generate(model, PROMPT, MAX_NEW_TOKENS, Set.of(free[stopAt], 0));

    assertThat(stopped.stoppedAtStop()).isTrue();
    assertThat(stopped.tokenIds()).containsExactly(Arrays.copyOf(free, stopAt));
    Generation atOnce = generator.generate(model, PROMPT, MAX_NEW_TOKENS, Set.of(free[0]));
    assertThat(atOnce.stoppedAtStop()).isTrue();
    assertThat(atOnce.tokenIds()).isEmpty();
  }

  @Test
  void stopsAtTheLimitOfNewTokensBeforeALaterStopToken() {
    DecoderModel model = MODELS.get(ModelType.LLAMA);
    int[] free = generator.generate(model, PROMPT, MAX_NEW_TOKENS, Set.of()).tokenIds();
    int later = free[3];
    assertThat(Arrays.copyOf(free, 3)).doesNotContain(later);

    Generation limited = generator.generate(model, PROMPT, 3, Set.of(later));

    assertThat(limited.stoppedAtStop()).isFalse();
    assertThat(limited.tokenIds()).containsExactly(Arrays.copyOf(free, 3));
    assertThat(generator.generate(model, PROMPT, 1, Set.of()).tokenIds()).containsExactly(free[0]);
  }

  @Test
  void swappingLoraAdaptersOnOneBaseModelChangesOnlyWhatTheAttachedAdapterChanges()
      throws IOException {
    DecoderModel model = MODELS.get(ModelType.GEMMA3_TEXT);
    Path first = writeAdapter(model, "first", 1);
    Path second = writeAdapter(model, "second", 2);
    int[] base = generator.generate(model, PROMPT, MAX_NEW_TOKENS, Set.of()).tokenIds();

    try (LoraAdapter a = PeftAdapter.load(StorageDirectory.local(first), model, manager);
        LoraAdapter b = PeftAdapter.load(StorageDirectory.local(second), model, manager)) {
      int[] withA = generateWith(a, model);
      assertThat(generator.generate(model, PROMPT, MAX_NEW_TOKENS, Set.of()).tokenIds())
          .as("after detaching A")
          .containsExactly(base);
      int[] withB = generateWith(b, model);
      int[] withAAgain = generateWith(a, model);

      assertThat(withA).isNotEqualTo(base);
      assertThat(withB).isNotEqualTo(base).isNotEqualTo(withA);
      assertThat(withAAgain).containsExactly(withA);
      assertThat(model.projections()).allMatch(projection -> projection.adapter().isEmpty());
      assertThat(generator.generate(model, PROMPT, MAX_NEW_TOKENS, Set.of()).tokenIds())
          .as("after detaching every adapter")
          .containsExactly(base);
    }
  }

  @Test
  void refusesAnEmptyPromptOrNoNewTokens() {
    DecoderModel model = MODELS.get(ModelType.LLAMA);
    assertThatThrownBy(() -> generator.generate(model, new int[0], 4, Set.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot generate from an empty prompt");
    assertThatThrownBy(() -> generator.generate(model, PROMPT, 0, Set.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot generate 0 new tokens: maxNewTokens must be positive");
  }

  @Test
  void refusesAReplyBeyondTheModelsPositions() {
    DecoderModel model = MODELS.get(ModelType.QWEN3);
    // 6 prompt tokens + 59 new ones need 64 positions (the last token is never run): just fits.
    assertThat(generator.generate(model, PROMPT, 59, Set.of()).newTokens()).isEqualTo(59);

    assertThatThrownBy(() -> generator.generate(model, PROMPT, 60, Set.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Cannot generate up to 60 tokens after a prompt of 6 tokens: "
                + model
                + " has max_position_embeddings 64");
  }

  @Test
  void refusesAPromptTokenOutsideTheVocabulary() {
    DecoderModel model = MODELS.get(ModelType.LLAMA);
    assertThatThrownBy(() -> generator.generate(model, new int[] {1, VOCAB}, 4, Set.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot use input_ids with values in [1, 96]: vocab_size is 96");
  }

  @Test
  void aGenerationKeepsItsTokensToItself() {
    int[] tokens = {4, 5, 6};
    Generation generation = new Generation(tokens, true, 2, Duration.ZERO, Duration.ZERO);
    tokens[0] = 99;
    generation.tokenIds()[1] = 99;

    assertThat(generation.tokenIds()).containsExactly(4, 5, 6);
    assertThat(generation)
        .isEqualTo(new Generation(new int[] {4, 5, 6}, true, 2, Duration.ZERO, Duration.ZERO))
        .hasSameHashCodeAs(
            new Generation(new int[] {4, 5, 6}, true, 2, Duration.ZERO, Duration.ZERO));
    assertThatThrownBy(() -> new Generation(tokens, false, 0, Duration.ZERO, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot use promptTokens 0: must be positive");
  }

  /** The reference: each step runs the whole sequence again, without a cache. */
  private static int[] recomputedGreedy(DecoderModel model, int maxNewTokens) {
    int[] sequence = Arrays.copyOf(PROMPT, PROMPT.length + maxNewTokens);
    try (NDManager scope = manager.newSubManager()) {
      for (int length = PROMPT.length; length < sequence.length; length++) {
        long[] ids = IntStream.of(sequence).limit(length).asLongStream().toArray();
        NDArray logits = model.logits(NativeArrays.copyOf(scope, ids, new Shape(1, length)), null);
        float[] last = logits.get(new NDIndex(":, -1")).toFloatArray();
        int best = 0;
        for (int v = 1; v < last.length; v++) {
          if (last[v] > last[best]) {
            best = v;
          }
        }
        sequence[length] = best;
      }
    }
    return Arrays.copyOfRange(sequence, PROMPT.length, sequence.length);
  }

  /** Generates with {@code adapter} attached, checking the cached path against recomputation. */
  private int[] generateWith(LoraAdapter adapter, DecoderModel model) {
    LoraAdapter.Attachment attachment = adapter.attach(model);
    try {
      int[] tokens = generator.generate(model, PROMPT, MAX_NEW_TOKENS, Set.of()).tokenIds();
      assertThat(tokens).containsExactly(recomputedGreedy(model, MAX_NEW_TOKENS));
      return tokens;
    } finally {
      attachment.close();
    }
  }

  /**
   * A PEFT folder of a rank-4 adapter on every projection whose B weights are random (a new
   * adapter's are zero, which would change nothing).
   */
  private static Path writeAdapter(DecoderModel model, String name, long seed) {
    LoraSettings settings =
        new LoraSettings(
            4,
            8,
            0,
            List.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"),
            false);
    Path folder = directory.resolve("adapter-" + name);
    try (LoraAdapter adapter = LoraAdapter.create(model, settings, seed, manager);
        NDManager scratch = manager.newSubManager()) {
      SplittableRandom random = new SplittableRandom(seed);
      for (Map.Entry<String, NDArray> tensor : adapter.tensors().entrySet()) {
        if (!tensor.getKey().endsWith("lora_B.weight")) {
          continue;
        }
        Shape shape = tensor.getValue().getShape();
        float[] values = new float[Math.toIntExact(shape.size())];
        for (int i = 0; i < values.length; i++) {
          values[i] = (float) (random.nextGaussian() * 0.5);
        }
        tensor.getValue().set(new NDIndex("..."), NativeArrays.copyOf(scratch, values, shape));
      }
      PeftAdapter.write(folder, adapter, name, null);
    }
    return folder;
  }
}
