package io.adapterforge.trainer.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.adapterforge.trainer.ReferenceModels;
import io.adapterforge.trainer.safetensors.SafetensorsFile;
import java.util.List;
import java.util.stream.Stream;
import org.assertj.core.data.Percentage;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.FieldSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The forward pass against the independent PyTorch reference of the Hugging Face formulas ({@code
 * src/test/python/make_reference_models.py}), on a right-padded batch whose sequence is longer than
 * every sliding window.
 */
class ReferenceLogitsTest {
  /** float32 through a few layers: the two implementations differ only by rounding. */
  private static final double TOLERANCE = 1e-4;

  static final List<String> ARCHITECTURES = ReferenceModels.ARCHITECTURES;

  static Stream<Arguments> batches() {
    // "" is the right-padded batch the trainer feeds; "left_padded." checks that real tokens
    // never attend to padding.
    return ARCHITECTURES.stream()
        .flatMap(arch -> Stream.of(Arguments.of(arch, ""), Arguments.of(arch, "left_padded.")));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("batches")
  void logitsMatchTheReferenceAtEveryRealToken(String architecture, String batch) {
    try (NDManager manager = NDManager.newBaseManager();
        DecoderModel model = DecoderModel.load(ReferenceModels.model(architecture), manager);
        SafetensorsFile expected = SafetensorsFile.open(ReferenceModels.expected(architecture))) {
      NDArray inputIds = expected.read(batch + "input_ids", manager);
      NDArray mask = expected.read(batch + "attention_mask", manager);
      NDArray reference = expected.read(batch + "logits", manager);

      NDArray logits = model.logits(inputIds, mask);

      assertThat(logits.getShape()).isEqualTo(reference.getShape());
      float[] actual = logits.toFloatArray();
      float[] wanted = reference.toFloatArray();
      long[] real = mask.toLongArray();
      int vocab = model.config().vocabSize();
      double worst = 0;
      int compared = 0;
      for (int token = 0; token < real.length; token++) {
        if (real[token] == 0) {
          continue;
        }
        for (int v = 0; v < vocab; v++) {
          int i = token * vocab + v;
          assertThat(actual[i]).as("logit %d of token %d", v, token).isFinite();
          worst = Math.max(worst, Math.abs(actual[i] - wanted[i]));
          compared++;
        }
      }
      assertThat(compared).isGreaterThan(vocab * 10);
      assertThat(worst).as("largest absolute logit difference").isLessThanOrEqualTo(TOLERANCE);
    }
  }

  @ParameterizedTest
  @FieldSource("ARCHITECTURES")
  void inverseFrequenciesMatchTheReference(String architecture) {
    ModelConfig config = ModelConfig.load(ReferenceModels.model(architecture));
    try (NDManager manager = NDManager.newBaseManager();
        SafetensorsFile expected = SafetensorsFile.open(ReferenceModels.expected(architecture))) {
      for (AttentionType type : AttentionType.values()) {
        float[] wanted = expected.read("inv_freq." + type.configName(), manager).toFloatArray();
        float[] actual = config.rope(type).inverseFrequencies(config.headDim());
        assertThat(actual).hasSameSizeAs(wanted);
        for (int i = 0; i < wanted.length; i++) {
          assertThat((double) actual[i])
              .as("%s inverse frequency %d", type, i)
              .isCloseTo(wanted[i], Percentage.withPercentage(1e-4));
        }
      }
    }
  }
}
