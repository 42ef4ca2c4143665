package io.adapterforge.evaluation.registry;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeMap;

/**
 * Brings a registry database to the newest schema. Migrations are SQL scripts on the class path,
 * {@code <folder>/V1.sql}, {@code V2.sql}, … (numbered without gaps; the first line, a {@code --}
 * comment, describes it). Each applied script is recorded in {@code schema_version} with its
 * SHA-256. All pending scripts are applied in one transaction under the dialect's schema lock, so a
 * failing script leaves the database as it was and concurrent openers apply each script once.
 * Re-running is a no-op. A recorded script whose text changed, or a database newer than the
 * scripts, is refused. Scripts must not contain {@code ;} other than between statements.
 */
final class SchemaMigrator {
  static final String DEFAULT_FOLDER = "io/adapterforge/evaluation/registry/migrations";

  private final String folder;

  SchemaMigrator(String folder) {
    this.folder = folder;
  }

  /** One migration script. */
  record Migration(int version, String description, String sql, String sha256) {}

  /** The scripts found in the folder, in order. */
  List<Migration> migrations() {
    List<Migration> migrations = new ArrayList<>();
    for (int version = 1; ; version++) {
      String resource = folder + "/V" + version + ".sql";
      try (InputStream in = SchemaMigrator.class.getClassLoader().getResourceAsStream(resource)) {
        if (in == null) {
          break;
        }
        String sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        String firstLine = sql.lines().findFirst().orElse("");
        String description =
            firstLine.startsWith("--") ? firstLine.substring(2).trim() : "migration " + version;
        migrations.add(new Migration(version, description, sql, sha256(sql)));
      } catch (IOException e) {
        throw new RegistryException("Cannot read the registry migration " + resource, e);
      }
    }
    if (migrations.isEmpty()) {
      throw new RegistryException("No registry migrations found under " + folder);
    }
    return migrations;
  }

  /**
   * Applies the pending migrations and returns the versions applied now (empty when the schema was
   * current).
   */
  List<Integer> migrate(Connection connection, Dialect dialect, String redactedUrl)
      throws SQLException {
    List<Migration> migrations = migrations();
    List<Integer> applied = new ArrayList<>();
    connection.setAutoCommit(false);
    try {
      dialect.lockSchema(connection);
      try (Statement statement = connection.createStatement()) {
        statement.execute(
            "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL PRIMARY KEY,"
                + " description TEXT NOT NULL, sha256 TEXT NOT NULL, applied_at TEXT NOT NULL)");
      }
      TreeMap<Integer, String> recorded = recorded(connection);
      int newest = recorded.isEmpty() ? 0 : recorded.lastKey();
      if (newest > migrations.size()) {
        throw new RegistryException(
            String.format(
                "The registry at %s has schema version %d, newer than this adapterforge knows"
                    + " (%d): upgrade adapterforge",
                redactedUrl, newest, migrations.size()));
      }
      for (Migration migration : migrations) {
        String sha256 = recorded.get(migration.version());
        if (sha256 != null) {
          if (!sha256.equals(migration.sha256())) {
            throw new RegistryException(
                String.format(
                    "The registry at %s applied migration V%d (%s) with a different text"
                        + " (sha256 %s, now %s): a migration must never change once released",
                    redactedUrl,
                    migration.version(),
                    migration.description(),
                    sha256,
                    migration.sha256()));
          }
          continue;
        }
        apply(connection, migration, redactedUrl);
        applied.add(migration.version());
      }
      connection.commit();
      return applied;
    } catch (SQLException | RuntimeException e) {
      connection.rollback();
      throw e;
    } finally {
      connection.setAutoCommit(true);
    }
  }

  private static TreeMap<Integer, String> recorded(Connection connection) throws SQLException {
    TreeMap<Integer, String> recorded = new TreeMap<>();
    try (Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT version, sha256 FROM schema_version")) {
      while (rows.next()) {
        recorded.put(rows.getInt(1), rows.getString(2));
      }
    }
    return recorded;
  }

  private static void apply(Connection connection, Migration migration, String redactedUrl)
      throws SQLException {
    try (Statement statement = connection.createStatement()) {
      for (String sql : statements(migration.sql())) {
        statement.execute(sql);
      }
    } catch (SQLException e) {
      throw new RegistryException(
          String.format(
              "Cannot apply registry migration V%d (%s) to %s: %s",
              migration.version(), migration.description(), redactedUrl, e.getMessage()),
          e);
    }
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO schema_version (version, description, sha256, applied_at)"
                + " VALUES (?, ?, ?, ?)")) {
      insert.setInt(1, migration.version());
      insert.setString(2, migration.description());
      insert.setString(3, migration.sha256());
      insert.setString(4, Instant.now().toString());
      insert.executeUpdate();
    }
  }

  /** The statements of a script: comment lines dropped, split at {@code ;}. */
  static List<String> statements(String script) {
    StringBuilder withoutComments = new StringBuilder();
    for (String line : script.split("\n", -1)) {
      if (!line.strip().startsWith("--")) {
        withoutComments.append(line).append('\n');
      }
    }
    List<String> statements = new ArrayList<>();
    for (String part : withoutComments.toString().split(";")) {
      if (!part.isBlank()) {
        statements.add(part.strip());
      }
    }
    return statements;
  }

  private static String sha256(String text) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
