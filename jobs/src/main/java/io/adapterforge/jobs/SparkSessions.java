package io.adapterforge.jobs;

import io.adapterforge.config.SparkConfig;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/** Builds the SparkSession every job runs in, from {@code spark.*} config. */
public final class SparkSessions {
  private SparkSessions() {}

  /**
   * A session named {@code <spark.app-name> <stage>}. Under spark-submit (which sets the {@code
   * spark.master} system property) the submitted master wins over {@code spark.master}; locally the
   * config's master is used. {@code spark.conf} entries are applied as they are.
   */
  public static SparkSession create(SparkConfig config, String stage) {
    SparkSession.Builder builder = SparkSession.builder().appName(config.appName() + " " + stage);
    if (System.getProperty("spark.master") == null) {
      builder.master(config.master());
      if (config.master().startsWith("local")) {
        builder.config("spark.driver.host", "127.0.0.1");
        builder.config("spark.driver.bindAddress", "127.0.0.1");
      }
    }
    for (Map.Entry<String, String> entry : config.conf().entrySet()) {
      builder.config(entry.getKey(), entry.getValue());
    }
    return builder.getOrCreate();
  }
}
