package io.adapterforge.config;

import static io.adapterforge.config.InvalidConfigException.check;
import static java.util.Objects.requireNonNull;

import java.util.Map;

/**
 * {@code spark.*}: where jobs run and the extra Spark properties they pass through unchanged.
 *
 * @param master the Spark master URL ({@code spark.master}, default {@code local[*]})
 * @param appName the application name ({@code spark.app-name})
 * @param conf extra Spark properties ({@code spark.conf}), applied as they are
 */
public record SparkConfig(String master, String appName, Map<String, String> conf) {
  public SparkConfig {
    requireNonNull(master, "master is null");
    requireNonNull(appName, "appName is null");
    check(!master.isBlank(), "spark.master", "''", "must not be empty");
    check(!appName.isBlank(), "spark.app-name", "''", "must not be empty");
    conf = Map.copyOf(requireNonNull(conf, "conf is null"));
  }

  static SparkConfig from(ConfigReader reader) {
    return new SparkConfig(
        reader.string("spark.master"),
        reader.string("spark.app-name"),
        reader.stringMap("spark.conf"));
  }
}
