package io.adapterforge.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code publish.*}: two thresholds with defaults and four optional ones, listed as null. */
class PublishConfigTest {
  @TempDir Path temp;

  @Test
  void setOverridesEachKey() {
    PublishConfig publish =
        ConfigLoader.load(
                Optional.empty(),
                List.of(
                    "publish.min-gain=0.1",
                    "publish.max-regression=0",
                    "publish.min-exact-match=0.25",
                    "publish.min-token-f1=0.5",
                    "publish.min-tool-call-f1=0.75",
                    "publish.min-tool-name-accuracy=1"))
            .publish();

    assertThat(publish)
        .isEqualTo(
            new PublishConfig(
                0.1,
                0,
                OptionalDouble.of(0.25),
                OptionalDouble.of(0.5),
                OptionalDouble.of(0.75),
                OptionalDouble.of(1)));
  }

  @Test
  void setNullUnsetsAThresholdFromAConfFile() throws IOException {
    Path file = temp.resolve("strict.conf");
    Files.writeString(file, "publish { min-exact-match = 0.5, min-token-f1 = 0.6 }\n");

    PublishConfig publish =
        ConfigLoader.load(Optional.of(file), List.of("publish.min-token-f1=null")).publish();

    assertThat(publish.minExactMatch()).hasValue(0.5);
    assertThat(publish.minTokenF1()).isEmpty();
  }

  @Test
  void configShowListsTheOptionalThresholdsAsNull() {
    String rendered = ConfigLoader.render(ConfigLoader.resolve(Optional.empty(), List.of()), false);

    assertThat(rendered)
        .contains("min-exact-match=null")
        .contains("min-token-f1=null")
        .contains("min-tool-call-f1=null")
        .contains("min-tool-name-accuracy=null")
        .contains("min-gain=0.02")
        .contains("max-regression=0.01");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          publish.min-gain               | 1     | 1.0: must be in [0, 1)
          publish.max-regression         | -0.1  | -0.1: must be in [0, 1)
          publish.min-exact-match        | 1.5   | 1.5: must be in [0, 1]
          publish.min-token-f1           | -1    | -1.0: must be in [0, 1]
          publish.min-tool-call-f1       | 2     | 2.0: must be in [0, 1]
          publish.min-tool-name-accuracy | high  | "high": must be a number
          """)
  void rejectsABadValueNamingKeyValueRuleAndOrigin(String key, String value, String rule) {
    String set = key + "=" + value;

    assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), List.of(set)))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessage("Cannot use " + key + " " + rule + " (set in --set " + set + ")")
        .extracting(e -> ((InvalidConfigException) e).key())
        .isEqualTo(key);
  }

  @Test
  void rejectsAMisspelledOptionalKeySetToNull() throws IOException {
    Path file = temp.resolve("typo.conf");
    Files.writeString(file, "publish {\n  min-exact-mtach = null\n}\n");

    assertThatThrownBy(() -> ConfigLoader.load(Optional.of(file), List.of()))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessage(
            "Unknown config key publish.min-exact-mtach (set in "
                + file
                + ": 2); did you mean publish.min-exact-match?");
  }
}
