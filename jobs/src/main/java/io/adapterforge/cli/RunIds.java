package io.adapterforge.cli;

import io.adapterforge.config.AdapterforgeConfig;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/** The run id a stage command uses: {@code --run-id}, else {@code run-id} from config, else new. */
final class RunIds {
  private RunIds() {}

  /** {@code option} when given, else the config's {@code run-id}, else {@code run-<timestamp>}. */
  static String resolve(String option, AdapterforgeConfig config) {
    return resolve(option, config, "run");
  }

  /**
   * As {@link #resolve(String, AdapterforgeConfig)}, a new id being {@code <prefix>-<timestamp>}.
   */
  static String resolve(String option, AdapterforgeConfig config, String prefix) {
    if (option != null && !option.isBlank()) {
      return option;
    }
    if (!config.runId().isEmpty()) {
      return config.runId();
    }
    return prefix
        + "-"
        + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
  }
}
