package io.adapterforge.evaluation.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.adapterforge.config.ConfigLoader;
import io.adapterforge.config.EvaluateConfig;
import io.adapterforge.config.InvalidConfigException;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@code evaluate.router.*} as the router takes it. */
class RouterConfigTest {
  @Test
  void defaultsAreThoseOfTheEmbeddedConfig() {
    EvaluateConfig evaluate = ConfigLoader.load(Optional.empty(), List.of()).evaluate();

    assertThat(RouterConfig.from(evaluate)).isEqualTo(RouterConfig.defaults());
  }

  @Test
  void fromTakesEveryRouterKey() {
    EvaluateConfig evaluate =
        ConfigLoader.load(
                Optional.empty(),
                List.of(
                    "evaluate.router.min-confidence=0.8",
                    "evaluate.router.num-features=4096",
                    "evaluate.router.max-iterations=7",
                    "evaluate.router.regularization=0.5"))
            .evaluate();

    assertThat(RouterConfig.from(evaluate)).isEqualTo(new RouterConfig(0.8, 4096, 7, 0.5));
  }

  @Test
  void checksItsValuesByTheConfigRules() {
    assertThatThrownBy(() -> new RouterConfig(0.5, 1 << 25, 100, 0.01))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessage(
            "Cannot use evaluate.router.num-features 33554432: must be a power of two in [1024,"
                + " 16777216]")
        .extracting(e -> ((InvalidConfigException) e).key())
        .isEqualTo(RouterConfig.NUM_FEATURES);
  }
}
