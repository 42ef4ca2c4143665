package io.adapterforge.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code train.*}: each key read from {@code --set}, and each rule naming key, value and origin.
 */
class TrainConfigTest {
  static Stream<Arguments> overrides() {
    return Stream.of(
        arguments("train.learning-rate=1e-3", read(TrainConfig::learningRate), 1e-3),
        arguments("train.epochs=5", read(TrainConfig::epochs), 5),
        arguments("train.batch-size=2", read(TrainConfig::batchSize), 2),
        arguments("train.max-steps=12345678901", read(TrainConfig::maxSteps), 12_345_678_901L),
        arguments("train.checkpoint-every=1", read(TrainConfig::checkpointEvery), 1L),
        arguments("train.eval-every=20", read(TrainConfig::evalEvery), 20L),
        arguments("train.seed=-7", read(TrainConfig::seed), -7L),
        arguments("train.slots=4", read(TrainConfig::slots), 4),
        arguments("train.threads-per-slot=3", read(TrainConfig::threadsPerSlot), 3));
  }

  @ParameterizedTest
  @MethodSource("overrides")
  void setOverridesTheDefault(String set, Function<TrainConfig, Object> accessor, Object expected) {
    Object defaultValue = accessor.apply(ConfigLoader.load(Optional.empty(), List.of()).train());
    assertThat(defaultValue).isNotEqualTo(expected);

    TrainConfig train = ConfigLoader.load(Optional.empty(), List.of(set)).train();

    assertThat(accessor.apply(train)).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          train.learning-rate | 0        | 0.0: must be positive
          train.learning-rate | -1e-3    | -0.001: must be positive
          train.epochs        | 0        | 0: must be positive
          train.batch-size    | 0        | 0: must be positive
          train.max-steps     | -1       | -1: must not be negative
          train.checkpoint-every | 0     | 0: must be positive (resume needs checkpoints)
          train.eval-every    | -1       | -1: must not be negative
          train.seed          | seven    | "seven": must be an integer
          train.slots         | -1       | -1: must not be negative (0 = one per task slot)
          train.threads-per-slot | -2    | -2: must not be negative (0 = auto)
          """)
  void rejectsABadValueNamingKeyValueRuleAndOrigin(String key, String value, String rule) {
    String set = key + "=" + value;

    assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), List.of(set)))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessage("Cannot use " + key + " " + rule + " (set in --set " + set + ")")
        .extracting(e -> ((InvalidConfigException) e).key())
        .isEqualTo(key);
  }

  @ParameterizedTest
  @CsvSource({"train.epochs", "train.learning-rate"})
  void rejectsNullForARequiredKey(String key) {
    assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), List.of(key + "=null")))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessage(
            "Cannot use " + key + " null: a value is required (set in --set " + key + "=null)");
  }

  private static Function<TrainConfig, Object> read(Function<TrainConfig, Object> accessor) {
    return accessor;
  }
}
