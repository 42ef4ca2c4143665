package io.adapterforge.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code evaluate.*}: each key read from {@code --set}, and each rule naming key and origin. */
class EvaluateConfigTest {
  static Stream<Arguments> overrides() {
    return Stream.of(
        arguments("evaluate.max-rows-per-split=1000", read(EvaluateConfig::maxRowsPerSplit), 1000),
        arguments("evaluate.batch-size=1", read(EvaluateConfig::batchSize), 1),
        arguments("evaluate.max-generations=0", read(EvaluateConfig::maxGenerations), 0),
        arguments("evaluate.max-new-tokens=256", read(EvaluateConfig::maxNewTokens), 256),
        arguments(
            "evaluate.tool-call.patterns=[\"CALL\\\\((?<name>\\\\w+)\\\\)\"]",
            read(e -> e.toolCall().patterns()),
            List.of("CALL\\((?<name>\\w+)\\)")),
        arguments("evaluate.router.min-confidence=0.9", read(e -> e.router().minConfidence()), 0.9),
        arguments("evaluate.router.num-features=1024", read(e -> e.router().numFeatures()), 1024),
        arguments("evaluate.router.max-iterations=5", read(e -> e.router().maxIterations()), 5),
        arguments("evaluate.router.regularization=0", read(e -> e.router().regularization()), 0.0));
  }

  @ParameterizedTest
  @MethodSource("overrides")
  void setOverridesTheDefault(
      String set, Function<EvaluateConfig, Object> accessor, Object expected) {
    Object defaultValue = accessor.apply(ConfigLoader.load(Optional.empty(), List.of()).evaluate());
    assertThat(defaultValue).isNotEqualTo(expected);

    EvaluateConfig evaluate = ConfigLoader.load(Optional.empty(), List.of(set)).evaluate();

    assertThat(accessor.apply(evaluate)).isEqualTo(expected);
  }

  @Test
  void aSinglePatternFromSetIsNotSplitAtItsCommas() {
    EvaluateConfig evaluate =
        ConfigLoader.load(
                Optional.empty(), List.of("evaluate.tool-call.patterns=<(?<name>[a-z]{1,8}),>"))
            .evaluate();

    assertThat(evaluate.toolCall().patterns()).containsExactly("<(?<name>[a-z]{1,8}),>");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          evaluate.max-rows-per-split     | 0     | 0: must be positive
          evaluate.batch-size             | 0     | 0: must be positive
          evaluate.max-generations        | -1    | -1: must not be negative (0 = no generation)
          evaluate.max-new-tokens         | 0     | 0: must be positive
          evaluate.tool-call.patterns     | []    | []: must not be empty
          evaluate.tool-call.patterns     | <call/> | <call/>: must have a named group (?<name>...) that captures the tool name
          evaluate.router.min-confidence  | 1.5   | 1.5: must be in [0, 1]
          evaluate.router.num-features    | 1000  | 1000: must be a power of two in [1024, 16777216]
          evaluate.router.max-iterations  | 0     | 0: must be positive
          evaluate.router.regularization  | -1    | -1.0: must be a non-negative finite number
          """)
  void rejectsABadValueNamingKeyValueRuleAndOrigin(String key, String value, String rule) {
    String set = key + "=" + value;

    assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), List.of(set)))
        .isInstanceOf(InvalidConfigException.class)
        // A HOCON value from --set (a list) adds the line, ": 1", to the origin.
        .hasMessageStartingWith("Cannot use " + key + " " + rule + " (set in --set " + set)
        .extracting(e -> ((InvalidConfigException) e).key())
        .isEqualTo(key);
  }

  @Test
  void rejectsAPatternThatDoesNotCompile() {
    assertThatThrownBy(
            () ->
                ConfigLoader.load(
                    Optional.empty(), List.of("evaluate.tool-call.patterns=(?<name>[a-")))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageStartingWith(
            "Cannot use evaluate.tool-call.patterns pattern (?<name>[a-: not a valid regular"
                + " expression (")
        .hasMessageEndingWith("(set in --set evaluate.tool-call.patterns=(?<name>[a-)");
  }

  @Test
  void travelsToExecutors() throws IOException, ClassNotFoundException {
    EvaluateConfig evaluate = ConfigLoader.load(Optional.empty(), List.of()).evaluate();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(evaluate);
    }

    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      assertThat(in.readObject()).isEqualTo(evaluate);
    }
  }

  private static Function<EvaluateConfig, Object> read(Function<EvaluateConfig, Object> accessor) {
    return accessor;
  }
}
