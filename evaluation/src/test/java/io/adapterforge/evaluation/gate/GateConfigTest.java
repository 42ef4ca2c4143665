package io.adapterforge.evaluation.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.adapterforge.config.ConfigLoader;
import io.adapterforge.config.InvalidConfigException;
import io.adapterforge.config.PublishConfig;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class GateConfigTest {
  @Test
  void defaults() {
    GateConfig config = GateConfig.defaults();
    assertThat(config.minGain()).isEqualTo(0.02);
    assertThat(config.maxRegression()).isEqualTo(0.01);
    assertThat(config.minExactMatch()).isEmpty();
    assertThat(config.minTokenF1()).isEmpty();
    assertThat(config.minToolCallF1()).isEmpty();
    assertThat(config.minToolNameAccuracy()).isEmpty();
  }

  @Test
  void keepsEveryValue() {
    GateConfig config =
        new GateConfig(
            0.1,
            0.05,
            OptionalDouble.of(0.2),
            OptionalDouble.of(0.3),
            OptionalDouble.of(0.4),
            OptionalDouble.of(0.5));
    assertThat(config.minGain()).isEqualTo(0.1);
    assertThat(config.maxRegression()).isEqualTo(0.05);
    assertThat(config.minExactMatch()).hasValue(0.2);
    assertThat(config.minTokenF1()).hasValue(0.3);
    assertThat(config.minToolCallF1()).hasValue(0.4);
    assertThat(config.minToolNameAccuracy()).hasValue(0.5);
  }

  @Test
  void defaultsAreThoseOfTheEmbeddedConfig() {
    PublishConfig publish = ConfigLoader.load(Optional.empty(), List.of()).publish();

    assertThat(GateConfig.from(publish)).isEqualTo(GateConfig.defaults());
  }

  @Test
  void fromTakesEveryThresholdOfTheConfig() {
    PublishConfig publish =
        ConfigLoader.load(
                Optional.empty(),
                List.of(
                    "publish.min-gain=0.1",
                    "publish.max-regression=0.05",
                    "publish.min-exact-match=0.2",
                    "publish.min-token-f1=0.3",
                    "publish.min-tool-call-f1=0.4",
                    "publish.min-tool-name-accuracy=0.5"))
            .publish();

    assertThat(GateConfig.from(publish))
        .isEqualTo(
            new GateConfig(
                0.1,
                0.05,
                OptionalDouble.of(0.2),
                OptionalDouble.of(0.3),
                OptionalDouble.of(0.4),
                OptionalDouble.of(0.5)));
  }

  @Test
  void rejectsOutOfRangeValuesNamingKeyValueAndRule() {
    OptionalDouble none = OptionalDouble.empty();
    assertThatThrownBy(() -> new GateConfig(-0.1, 0.01, none, none, none, none))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessage("Cannot use publish.min-gain -0.1: must be in [0, 1)")
        .extracting(e -> ((InvalidConfigException) e).key())
        .isEqualTo("publish.min-gain");
    assertThatThrownBy(() -> new GateConfig(1.0, 0.01, none, none, none, none))
        .hasMessage("Cannot use publish.min-gain 1.0: must be in [0, 1)");
    assertThatThrownBy(() -> new GateConfig(Double.NaN, 0.01, none, none, none, none))
        .hasMessage("Cannot use publish.min-gain NaN: must be in [0, 1)");
    assertThatThrownBy(() -> new GateConfig(0.02, 1.5, none, none, none, none))
        .hasMessage("Cannot use publish.max-regression 1.5: must be in [0, 1)");
    assertThatThrownBy(() -> new GateConfig(0.02, 0.01, OptionalDouble.of(2), none, none, none))
        .hasMessage("Cannot use publish.min-exact-match 2.0: must be in [0, 1]");
    assertThatThrownBy(() -> new GateConfig(0.02, 0.01, none, OptionalDouble.of(-1), none, none))
        .hasMessage("Cannot use publish.min-token-f1 -1.0: must be in [0, 1]");
    assertThatThrownBy(() -> new GateConfig(0.02, 0.01, none, none, OptionalDouble.of(1.01), none))
        .hasMessage("Cannot use publish.min-tool-call-f1 1.01: must be in [0, 1]");
    assertThatThrownBy(
            () -> new GateConfig(0.02, 0.01, none, none, none, OptionalDouble.of(Double.NaN)))
        .hasMessage("Cannot use publish.min-tool-name-accuracy NaN: must be in [0, 1]");
  }
}
