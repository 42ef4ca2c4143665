package io.adapterforge.config;

import static io.adapterforge.config.InvalidConfigException.check;
import static java.util.Objects.requireNonNull;

/**
 * {@code registry.*}: where published adapters are recorded and stored.
 *
 * @param url JDBC URL of the registry database ({@code registry.url}, default an SQLite file under
 *     {@code work-dir})
 * @param store where artifacts are copied, a folder or Hadoop FileSystem URI ({@code
 *     registry.store}, default {@code <work-dir>/registry/store})
 */
public record RegistryConfig(String url, String store) {
  public RegistryConfig {
    requireNonNull(url, "url is null");
    requireNonNull(store, "store is null");
    check(
        url.startsWith("jdbc:sqlite:") || url.startsWith("jdbc:postgresql:"),
        "registry.url",
        url.replaceAll("password=[^&;]*", "password=***"),
        "must be a jdbc:sqlite: or jdbc:postgresql: URL");
    check(!store.isBlank(), "registry.store", "''", "must not be empty");
  }

  static RegistryConfig from(ConfigReader reader) {
    return new RegistryConfig(reader.string("registry.url"), reader.string("registry.store"));
  }
}
