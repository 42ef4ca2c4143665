package io.adapterforge.evaluation.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The registry contract on an embedded SQLite file, plus SQLite- and URL-specific behaviour. */
class SqliteRegistryTest extends AdapterRegistryContract {
  @Override
  String newDatabaseUrl() {
    // A folder that does not exist yet: open() creates it.
    return "jdbc:sqlite:" + temp.resolve("db/registry.db");
  }

  @Test
  void createsTheDatabaseFolder() {
    try (AdapterRegistry registry = open()) {
      assertThat(temp.resolve("db/registry.db")).exists();
      assertThat(registry.list()).isEmpty();
    }
  }

  @Test
  void refusesAnUnsupportedUrlWithoutPrintingThePassword() {
    assertThatThrownBy(
            () -> AdapterRegistry.open("jdbc:mysql://db/reg?user=u&password=hunter2", "store"))
        .isInstanceOf(RegistryException.class)
        .hasMessage(
            "Cannot open the registry at jdbc:mysql://db/reg?user=u&password=***: the URL must"
                + " start with jdbc:sqlite: or jdbc:postgresql:")
        .message()
        .doesNotContain("hunter2");
  }

  @Test
  void redactsPasswordsInUrls() {
    assertThat(Dialect.redact("jdbc:postgresql://h/db?user=u&password=s3cret&ssl=true"))
        .isEqualTo("jdbc:postgresql://h/db?user=u&password=***&ssl=true");
    assertThat(Dialect.redact("jdbc:postgresql://u:s3cret@h/db"))
        .isEqualTo("jdbc:postgresql://u:***@h/db");
  }
}
