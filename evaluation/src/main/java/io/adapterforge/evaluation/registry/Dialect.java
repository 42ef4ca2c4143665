package io.adapterforge.evaluation.registry;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.regex.Pattern;

/** What differs between the two supported databases: connecting and taking write locks. */
enum Dialect {
  /**
   * Embedded SQLite. Write transactions start with {@code BEGIN IMMEDIATE}, which takes the
   * database's write lock up front, so concurrent writers (threads or processes) queue instead of
   * failing on upgrade; they wait up to the busy timeout.
   */
  SQLITE {
    @Override
    Connection connect(String jdbcUrl) throws SQLException {
      Properties properties = new Properties();
      properties.setProperty("busy_timeout", Integer.toString(BUSY_TIMEOUT_MILLIS));
      properties.setProperty("foreign_keys", "true");
      properties.setProperty("journal_mode", "WAL");
      properties.setProperty("transaction_mode", "IMMEDIATE");
      return DriverManager.getConnection(jdbcUrl, properties);
    }

    @Override
    void prepareLocation(String jdbcUrl) {
      String location = jdbcUrl.substring("jdbc:sqlite:".length());
      int query = location.indexOf('?');
      if (query >= 0) {
        location = location.substring(0, query);
      }
      if (location.isEmpty() || location.startsWith(":") || location.startsWith("file:")) {
        return;
      }
      Path parent = Paths.get(location).toAbsolutePath().getParent();
      try {
        Files.createDirectories(parent);
      } catch (java.io.IOException e) {
        throw new RegistryException(
            String.format("Cannot create the folder %s of the registry database", parent), e);
      }
    }

    @Override
    void lockSchema(Connection connection) {
      // BEGIN IMMEDIATE already holds the database's write lock.
    }

    @Override
    boolean lockAdapter(Connection connection, String adapterId) throws SQLException {
      // BEGIN IMMEDIATE already holds the database's write lock; only check the row exists.
      return exists(connection, "SELECT 1 FROM adapter WHERE adapter_id = ?", adapterId);
    }
  },

  /**
   * PostgreSQL. Migrations take a transaction-scoped advisory lock; per-adapter writes lock the
   * adapter's row ({@code SELECT … FOR UPDATE}), so writers of different adapters do not wait for
   * each other.
   */
  POSTGRESQL {
    @Override
    Connection connect(String jdbcUrl) throws SQLException {
      return DriverManager.getConnection(jdbcUrl);
    }

    @Override
    void prepareLocation(String jdbcUrl) {}

    @Override
    void lockSchema(Connection connection) throws SQLException {
      try (Statement statement = connection.createStatement()) {
        statement.execute("SELECT pg_advisory_xact_lock(" + SCHEMA_LOCK_KEY + ")");
      }
    }

    @Override
    boolean lockAdapter(Connection connection, String adapterId) throws SQLException {
      return exists(connection, "SELECT 1 FROM adapter WHERE adapter_id = ? FOR UPDATE", adapterId);
    }
  };

  static final int BUSY_TIMEOUT_MILLIS = 60_000;

  /** An arbitrary constant that names "the registry schema" among advisory locks. */
  private static final long SCHEMA_LOCK_KEY = 0x61646170746572L;

  private static final Pattern PASSWORD = Pattern.compile("(?i)((?:password|pass|pwd)=)[^&;]*");
  private static final Pattern USER_INFO = Pattern.compile("(//[^/@:]*):[^/@]*@");

  /** The dialect of a JDBC URL, or a {@link RegistryException} naming the supported ones. */
  static Dialect of(String jdbcUrl) {
    if (jdbcUrl != null && jdbcUrl.startsWith("jdbc:sqlite:")) {
      return SQLITE;
    }
    if (jdbcUrl != null && jdbcUrl.startsWith("jdbc:postgresql:")) {
      return POSTGRESQL;
    }
    throw new RegistryException(
        String.format(
            "Cannot open the registry at %s: the URL must start with jdbc:sqlite: or"
                + " jdbc:postgresql:",
            redact(jdbcUrl)));
  }

  /** The URL with any password replaced by {@code ***}, for messages. */
  static String redact(String jdbcUrl) {
    if (jdbcUrl == null) {
      return "null";
    }
    String redacted = PASSWORD.matcher(jdbcUrl).replaceAll("$1***");
    return USER_INFO.matcher(redacted).replaceAll("$1:***@");
  }

  abstract Connection connect(String jdbcUrl) throws SQLException;

  /** Creates what the database needs before the first connection (SQLite: the file's folder). */
  abstract void prepareLocation(String jdbcUrl);

  /** Serializes schema migrations; called first in the migration's transaction. */
  abstract void lockSchema(Connection connection) throws SQLException;

  /**
   * Serializes writers of one adapter until the transaction ends; returns false when the adapter
   * has no row.
   */
  abstract boolean lockAdapter(Connection connection, String adapterId) throws SQLException;

  private static boolean exists(Connection connection, String sql, String adapterId)
      throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setString(1, adapterId);
      try (ResultSet rows = statement.executeQuery()) {
        return rows.next();
      }
    }
  }
}
