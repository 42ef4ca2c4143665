package io.adapterforge.config;

import static java.util.Objects.requireNonNull;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@code adapters.<adapter_id>.*}: overrides for one adapter. Absent values fall back to the
 * stage-wide settings.
 *
 * @param id the adapter id (validated against {@link AdapterIds#PATTERN})
 * @param systemPrompt system prompt for this adapter's conversations that have none ({@code
 *     adapters.<id>.system-prompt}, default {@code prepare.system-prompt})
 */
public record AdapterConfig(String id, Optional<String> systemPrompt) implements Serializable {
  public AdapterConfig {
    requireNonNull(id, "id is null");
    requireNonNull(systemPrompt, "systemPrompt is null");
    if (!AdapterIds.isValid(id)) {
      throw new InvalidConfigException(
          "adapters." + id, "Cannot use adapters." + id + ": the adapter id " + AdapterIds.RULE);
    }
  }

  static Map<String, AdapterConfig> from(ConfigReader reader) {
    Map<String, AdapterConfig> adapters = new LinkedHashMap<>();
    for (String id : reader.childNames("adapters")) {
      String systemPromptKey = ConfigReader.childKey("adapters", id, "system-prompt");
      Optional<String> systemPrompt =
          reader.has(systemPromptKey)
              ? Optional.of(reader.string(systemPromptKey))
              : Optional.empty();
      adapters.put(id, new AdapterConfig(id, systemPrompt));
    }
    return Map.copyOf(adapters);
  }
}
