package io.adapterforge.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.adapterforge.config.AdapterConfig;
import io.adapterforge.config.AdapterforgeConfig;
import io.adapterforge.config.ConfigLoader;
import io.adapterforge.config.InvalidConfigException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class AdapterSpecTest {
  private static final TrainSettings SETTINGS =
      new TrainSettings(
          2e-4, 3, 8, 0, 50, 0, 42, 0, 0, 8, 16, 0.05, List.of("q_proj", "k_proj", "v_proj"));

  @Test
  void withoutOverridesTakesTheRunWideSettings() {
    assertThat(AdapterSpec.of("a1", SETTINGS))
        .isEqualTo(
            new AdapterSpec("a1", 8, 16, 0.05, List.of("q_proj", "k_proj", "v_proj"), 2e-4, 3))
        .isEqualTo(AdapterSpec.of("a1", SETTINGS, AdapterConfig.of("a1")));
  }

  @Test
  void eachOverrideReplacesItsRunWideValue() {
    AdapterConfig adapter =
        new AdapterConfig(
            "a1",
            Optional.of("ignored by training"),
            OptionalInt.of(32),
            OptionalDouble.of(64),
            Optional.of(List.of("down_proj")),
            OptionalDouble.of(1e-3),
            OptionalInt.of(7));

    assertThat(AdapterSpec.of("a1", SETTINGS, adapter))
        .isEqualTo(new AdapterSpec("a1", 32, 64, 0.05, List.of("down_proj"), 1e-3, 7));
  }

  @Test
  void someOverridesKeepTheRest() {
    AdapterConfig adapter =
        new AdapterConfig(
            "a1",
            Optional.empty(),
            OptionalInt.empty(),
            OptionalDouble.empty(),
            Optional.empty(),
            OptionalDouble.empty(),
            OptionalInt.of(1));

    AdapterSpec spec = AdapterSpec.of("a1", SETTINGS, adapter);

    assertThat(spec.epochs()).isEqualTo(1);
    assertThat(spec.lora()).isEqualTo(AdapterSpec.of("a1", SETTINGS).lora());
    assertThat(spec.learningRate()).isEqualTo(2e-4);
  }

  @Test
  void overridesHasOneSpecPerAdapterTheConfigNames() {
    AdapterforgeConfig config =
        ConfigLoader.load(
            Optional.empty(), List.of("adapters.a1.lora.rank=4", "adapters.b2.system-prompt=Hi."));

    Map<String, AdapterSpec> overrides = AdapterSpec.overrides(config.adapters(), SETTINGS);

    assertThat(overrides).containsOnlyKeys("a1", "b2");
    assertThat(overrides.get("a1").loraRank()).isEqualTo(4);
    assertThat(overrides.get("b2")).isEqualTo(AdapterSpec.of("b2", SETTINGS));
  }

  @Test
  void rejectsAnotherAdaptersOverrides() {
    assertThatThrownBy(() -> AdapterSpec.of("a1", SETTINGS, AdapterConfig.of("b2")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot apply the overrides of adapter b2 to adapter a1");
  }

  @Test
  void namesTheAdaptersKeyWhenAValueBreaksARule() {
    assertThatThrownBy(() -> new AdapterSpec("a1", 8, 16, 0.05, List.of("q_proj"), 1e-3, 0))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessage("Cannot use adapters.a1.epochs 0: must be positive");
    assertThatThrownBy(() -> new AdapterSpec("a1", 0, 16, 0.05, List.of("q_proj"), 1e-3, 1))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessage("Cannot use adapters.a1.lora.rank 0: must be positive");
  }

  @Test
  void travelsToExecutors() throws IOException, ClassNotFoundException {
    AdapterSpec spec = AdapterSpec.of("a1", SETTINGS);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(spec);
    }

    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      assertThat(in.readObject()).isEqualTo(spec);
    }
  }
}
