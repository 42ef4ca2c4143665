package io.adapterforge.evaluation.registry;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The registry contract on a real PostgreSQL server started for this class (see {@link
 * PostgresServer}); each test gets its own database. Fails, never skips, without PostgreSQL.
 */
class PostgresRegistryTest extends AdapterRegistryContract {
  private static PostgresServer server;

  @BeforeAll
  static void startServer() throws Exception {
    server = PostgresServer.start();
  }

  @AfterAll
  static void stopServer() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  @Override
  String newDatabaseUrl() throws Exception {
    return server.newDatabase();
  }

  @Test
  void connectionFailureNamesTheUrlWithoutThePassword() {
    assertThatThrownBy(
            () ->
                AdapterRegistry.open(
                    "jdbc:postgresql://127.0.0.1:1/none?user=u&password=hunter2&connectTimeout=2",
                    temp.resolve("store").toString()))
        .isInstanceOf(RegistryException.class)
        .hasMessageStartingWith(
            "Cannot open the registry at"
                + " jdbc:postgresql://127.0.0.1:1/none?user=u&password=***&connectTimeout=2")
        .message()
        .doesNotContain("hunter2");
  }
}
