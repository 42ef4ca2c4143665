package io.adapterforge.cli;

import io.adapterforge.config.AdapterforgeConfig;
import io.adapterforge.config.ConfigLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * {@code --conf FILE} and repeated {@code --set key=value}, shared by commands that read config.
 */
final class ConfigOptions {
  @Option(
      names = "--conf",
      paramLabel = "FILE",
      description = "HOCON config file read over the embedded defaults (conf/local.conf).")
  Path confFile;

  @Option(
      names = "--set",
      paramLabel = "KEY=VALUE",
      description = "Override one config key, e.g. --set train.lora.rank=16 (repeatable).")
  List<String> overrides = new ArrayList<>();

  /** Loads and validates the config, with {@code extra} overrides applied after {@code --set}. */
  AdapterforgeConfig load(List<String> extra) {
    List<String> all = new ArrayList<>(overrides);
    all.addAll(extra);
    return ConfigLoader.load(Optional.ofNullable(confFile), all);
  }

  /**
   * Loads and validates the config, with {@code defaults} applied before {@code --set} (so the
   * user's overrides win over a command's own defaults).
   */
  AdapterforgeConfig loadOver(List<String> defaults) {
    List<String> all = new ArrayList<>(defaults);
    all.addAll(overrides);
    return ConfigLoader.load(Optional.ofNullable(confFile), all);
  }

  AdapterforgeConfig load() {
    return load(List.of());
  }
}
