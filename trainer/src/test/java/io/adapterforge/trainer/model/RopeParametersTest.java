package io.adapterforge.trainer.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RopeParametersTest {
  @Test
  void defaultFrequenciesFallGeometricallyFromOne() {
    float[] frequencies = RopeParameters.unscaled(10_000).inverseFrequencies(8);
    assertThat(frequencies).hasSize(4);
    assertThat(frequencies[0]).isEqualTo(1f);
    for (int i = 1; i < frequencies.length; i++) {
      assertThat((double) frequencies[i] / frequencies[i - 1])
          .isCloseTo(Math.pow(10_000, -2.0 / 8), org.assertj.core.data.Offset.offset(1e-6));
    }
  }

  @Test
  void linearScalingDividesEveryFrequency() {
    float[] plain = RopeParameters.unscaled(1e6).inverseFrequencies(16);
    float[] scaled = new RopeParameters(RopeType.LINEAR, 1e6, 8, 0, 0, 0).inverseFrequencies(16);
    for (int i = 0; i < plain.length; i++) {
      assertThat(scaled[i]).isEqualTo(plain[i] / 8);
    }
  }

  @Test
  void llama3KeepsShortWavelengthsScalesLongOnesAndBlendsBetween() {
    int context = 256;
    RopeParameters llama3 = new RopeParameters(RopeType.LLAMA3, 500_000, 8, 1, 4, context);
    float[] plain = RopeParameters.unscaled(500_000).inverseFrequencies(16);
    float[] scaled = llama3.inverseFrequencies(16);
    int kept = 0;
    int divided = 0;
    int blended = 0;
    for (int i = 0; i < plain.length; i++) {
      double wavelength = 2 * Math.PI / plain[i];
      if (wavelength < context / 4.0) {
        assertThat(scaled[i]).isEqualTo(plain[i]);
        kept++;
      } else if (wavelength > context) {
        assertThat(scaled[i]).isEqualTo(plain[i] / 8);
        divided++;
      } else {
        assertThat(scaled[i]).isStrictlyBetween(plain[i] / 8, plain[i]);
        blended++;
      }
    }
    assertThat(new int[] {kept, divided, blended}).doesNotContain(0);
  }

  @Test
  void refusesInvalidParameters() {
    assertThatThrownBy(() -> new RopeParameters(RopeType.LLAMA3, 1e4, 8, 4, 1, 8192))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot use high_freq_factor 1.0: must exceed low_freq_factor 4.0");
    assertThatThrownBy(() -> RopeParameters.unscaled(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot use rope_theta 0.0: must be positive");
    assertThatThrownBy(() -> RopeParameters.unscaled(1e4).inverseFrequencies(7))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot use head_dim 7: must be even");
  }
}
