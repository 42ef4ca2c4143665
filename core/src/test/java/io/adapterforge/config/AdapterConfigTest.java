package io.adapterforge.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code adapters.<id>.*}: optional overrides with the rules of the keys they override. */
class AdapterConfigTest {
  @TempDir Path temp;

  @Test
  void anAdapterWithoutOverridesHasNone() {
    AdapterforgeConfig config = ConfigLoader.load(Optional.empty(), List.of());

    assertThat(config.adapter("support-ru")).isEqualTo(AdapterConfig.of("support-ru"));
    assertThat(config.adapter("support-ru").loraRank()).isEmpty();
    assertThat(config.adapter("support-ru").targetModules()).isEmpty();
  }

  @Test
  void setOverridesEachKeyOfOneAdapter() {
    AdapterforgeConfig config =
        ConfigLoader.load(
            Optional.empty(),
            List.of(
                "adapters.support-ru.lora.rank=16",
                "adapters.support-ru.lora.alpha=32",
                "adapters.support-ru.lora.target-modules=q_proj,v_proj,down_proj",
                "adapters.support-ru.learning-rate=1e-4",
                "adapters.support-ru.epochs=5",
                "adapters.\"legal.de\".epochs=1"));

    assertThat(config.adapter("support-ru"))
        .isEqualTo(
            new AdapterConfig(
                "support-ru",
                Optional.empty(),
                OptionalInt.of(16),
                OptionalDouble.of(32),
                Optional.of(List.of("q_proj", "v_proj", "down_proj")),
                OptionalDouble.of(1e-4),
                OptionalInt.of(5)));
    assertThat(config.adapter("legal.de").epochs()).hasValue(1);
    assertThat(config.adapter("legal.de").loraRank()).isEmpty();
  }

  @Test
  void nullLeavesAnOverrideUnset() {
    AdapterforgeConfig config =
        ConfigLoader.load(
            Optional.empty(),
            List.of(
                "adapters.a1.lora.rank=16", "adapters.a1.lora.rank=null", "adapters.a1.epochs=2"));

    assertThat(config.adapter("a1").loraRank()).isEmpty();
    assertThat(config.adapter("a1").epochs()).hasValue(2);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          adapters.a1.lora.rank           | 0                | 0: must be positive
          adapters.a1.lora.alpha          | -1               | -1.0: must be positive
          adapters.a1.lora.target-modules | [q_proj, q_proj] | [q_proj, q_proj]: must not repeat a module
          adapters.a1.learning-rate       | 0                | 0.0: must be positive
          adapters.a1.epochs              | 0                | 0: must be positive
          adapters.a1.epochs              | two              | "two": must be an integer
          adapters."legal.de".epochs      | -1               | -1: must be positive
          """)
  void rejectsABadOverrideNamingTheAdaptersKey(String key, String value, String rule) {
    String set = key + "=" + value;

    assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), List.of(set)))
        .isInstanceOf(InvalidConfigException.class)
        // A HOCON value from --set (a list) adds the line, ": 1", to the origin.
        .hasMessageStartingWith("Cannot use " + key + " " + rule + " (set in --set " + set)
        .extracting(e -> ((InvalidConfigException) e).key())
        .isEqualTo(key);
  }

  @Test
  void rejectsAnUnknownTargetModuleNamingTheAdaptersKeyAndLine() throws IOException {
    Path file = temp.resolve("adapters.conf");
    Files.writeString(
        file, "adapters {\n  a1 {\n    lora.target-modules = [q_proj, qkv_proj]\n  }\n}\n");

    assertThatThrownBy(() -> ConfigLoader.load(Optional.of(file), List.of()))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageStartingWith(
            "Cannot use adapters.a1.lora.target-modules [q_proj, qkv_proj]: 'qkv_proj' is not one of")
        .hasMessageContaining("adapters.conf: 3");
  }

  @Test
  void rejectsAMisspelledKeyEvenWhenItIsNull() throws IOException {
    Path file = temp.resolve("typo.conf");
    Files.writeString(file, "adapters.a1.lora.rnak = null\n");

    assertThatThrownBy(() -> ConfigLoader.load(Optional.of(file), List.of()))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageStartingWith("Unknown config key adapters.a1.lora.rnak (set in ")
        .hasMessageEndingWith("; did you mean adapters.a1.lora.rank?");
  }
}
