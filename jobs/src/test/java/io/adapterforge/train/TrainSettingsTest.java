package io.adapterforge.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.adapterforge.config.ConfigLoader;
import io.adapterforge.config.InvalidConfigException;
import io.adapterforge.config.LoraConfig;
import io.adapterforge.config.TrainConfig;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TrainSettingsTest {
  @Test
  void defaultsAreThoseOfTheEmbeddedConfig() {
    TrainConfig train = ConfigLoader.load(Optional.empty(), List.of()).train();

    assertThat(TrainSettings.defaults(train.lora())).isEqualTo(TrainSettings.from(train));
  }

  @Test
  void fromMapsEveryKey() {
    TrainConfig train =
        new TrainConfig(
            1e-3, 2, 4, 100, 10, 5, 7, 3, 2, new LoraConfig(16, 32, 0.1, List.of("q_proj")));

    assertThat(TrainSettings.from(train))
        .isEqualTo(
            new TrainSettings(1e-3, 2, 4, 100, 10, 5, 7, 3, 2, 16, 32, 0.1, List.of("q_proj")));
  }

  @Test
  void followsTheRulesOfTheConfigKeys() {
    assertThatThrownBy(
            () -> new TrainSettings(2e-4, 3, 8, 0, 0, 0, 42, 0, 0, 8, 16, 0.05, List.of("q_proj")))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessage(
            "Cannot use train.checkpoint-every 0: must be positive (resume needs checkpoints)");
    assertThatThrownBy(
            () -> new TrainSettings(2e-4, 3, 8, 0, 50, 0, 42, 0, 0, 8, 16, 1.0, List.of("q_proj")))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessage("Cannot use train.lora.dropout 1.0: must be in [0, 1)");
  }
}
