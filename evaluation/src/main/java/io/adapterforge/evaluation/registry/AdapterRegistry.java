package io.adapterforge.evaluation.registry;

import static java.util.Objects.requireNonNull;

import io.adapterforge.config.AdapterIds;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.Path;

/**
 * The adapter registry: immutable adapter versions and movable aliases in a JDBC database ({@code
 * jdbc:sqlite:FILE} or {@code jdbc:postgresql://…}), artifacts under a storage URI (a local folder
 * or any Hadoop FileSystem) at {@code <store>/<adapter_id>/v<version>/}.
 *
 * <h2>Publishing</h2>
 *
 * {@link #publish} is atomic and idempotent per (adapter, run):
 *
 * <ol>
 *   <li>If the run is already published, its version is returned (its files must be the same).
 *   <li>The adapter folder is copied to a fresh {@code <store>/_staging/<adapter_id>-<uuid>/},
 *       hashing each file (SHA-256) as it is read; then the copy is read back and checked against
 *       those hashes. A mismatch is refused and the staging folder deleted. Nothing is locked yet.
 *   <li>In one database transaction, holding the adapter's write lock (SQLite: {@code BEGIN
 *       IMMEDIATE}; PostgreSQL: {@code SELECT … FOR UPDATE} on the adapter's row): the run is
 *       looked up again (a racing publisher of the same run wins, and this copy is dropped); the
 *       next version is max + 1; a folder already at {@code v<next>} is an orphan of a publisher
 *       that crashed before committing (no committed row claims it, and the lock keeps everyone
 *       else out) and is deleted; the staging folder is renamed to {@code v<next>} and its listing
 *       checked; the version row and its file rows are inserted; commit.
 * </ol>
 *
 * Versions are therefore numbered without gaps or duplicates however many publishers race (the
 * primary key on (adapter_id, version) backs this up). A crash before the commit leaves no visible
 * version: at most a staging folder under a random name, or an orphan version folder that the next
 * publisher of the adapter reclaims. A failure (an exception) before the commit deletes what this
 * call created while it still holds the lock.
 *
 * <h2>Aliases</h2>
 *
 * Each adapter has named aliases ({@link #PRODUCTION}, {@link #CANDIDATE}, or any name matching
 * {@code [a-z][a-z0-9-]{0,31}}) pointing at one of its versions, with a history. {@link #rollback}
 * undoes the latest {@code set} of {@code production} that was not already rolled back, so repeated
 * rollbacks walk back through earlier production versions.
 *
 * <p>Thread-safe: every call uses its own connection; several registries (threads or processes) may
 * share one database and store.
 */
public final class AdapterRegistry implements AutoCloseable {
  /** The alias that serving reads. */
  public static final String PRODUCTION = "production";

  /** The alias of the version being tried before promotion. */
  public static final String CANDIDATE = "candidate";

  static final List<String> REQUIRED_FILES =
      List.of("adapter_config.json", "adapter_model.safetensors");

  private static final Pattern ALIAS_NAME = Pattern.compile("[a-z][a-z0-9-]{0,31}");

  private final String jdbcUrl;
  private final String redactedUrl;
  private final Dialect dialect;
  private final ArtifactStore store;
  private final PublishHook hook;

  private AdapterRegistry(String jdbcUrl, Dialect dialect, ArtifactStore store, PublishHook hook) {
    this.jdbcUrl = jdbcUrl;
    this.redactedUrl = Dialect.redact(jdbcUrl);
    this.dialect = dialect;
    this.store = store;
    this.hook = hook;
  }

  /**
   * Opens the registry, creating the SQLite file's folder and the store folder when missing, and
   * applies pending schema migrations.
   *
   * @param jdbcUrl {@code jdbc:sqlite:PATH} or {@code jdbc:postgresql://HOST:PORT/DB?user=…}
   * @param storeUri a local folder or a Hadoop FileSystem URI for the artifacts
   */
  public static AdapterRegistry open(String jdbcUrl, String storeUri) {
    return open(jdbcUrl, storeUri, SchemaMigrator.DEFAULT_FOLDER, PublishHook.NONE);
  }

  static AdapterRegistry open(
      String jdbcUrl, String storeUri, String migrationFolder, PublishHook hook) {
    requireNonNull(jdbcUrl, "jdbcUrl is null");
    requireNonNull(storeUri, "storeUri is null");
    Dialect dialect = Dialect.of(jdbcUrl);
    dialect.prepareLocation(jdbcUrl);
    try (Connection connection = dialect.connect(jdbcUrl)) {
      new SchemaMigrator(migrationFolder).migrate(connection, dialect, Dialect.redact(jdbcUrl));
    } catch (SQLException e) {
      throw new RegistryException(
          String.format(
              "Cannot open the registry at %s: %s", Dialect.redact(jdbcUrl), e.getMessage()),
          e);
    }
    return new AdapterRegistry(jdbcUrl, dialect, ArtifactStore.open(storeUri), hook);
  }

  /** The database URL with any password masked. */
  public String url() {
    return redactedUrl;
  }

  /** The fully qualified URI of the artifact store. */
  public String storeUri() {
    return store.rootUri();
  }

  /**
   * Publishes an adapter folder as the adapter's next version, or returns the version its run
   * already published. See the class comment for the protocol.
   *
   * @throws RegistryException when the folder lacks {@code adapter_config.json} or {@code
   *     adapter_model.safetensors}, the copy does not match the source, the run was published with
   *     different files, or the database or store fails
   */
  public AdapterVersion publish(PublishRequest request) {
    requireNonNull(request, "request is null");
    String adapterId = request.adapterId();
    Optional<AdapterVersion> published = read(c -> findByRun(c, adapterId, request.runId()));
    if (published.isPresent()) {
      try {
        requireSameFiles(published.get(), store.describe(request.artifactUri()), request);
      } catch (IOException e) {
        throw failure(adapterId, "read " + request.artifactUri(), e);
      }
      return published.get();
    }
    Path staging = store.newStagingFolder(adapterId);
    try {
      List<ArtifactFile> files = stage(request, staging);
      return commit(request, staging, files);
    } catch (RuntimeException e) {
      deleteQuietly(staging, e);
      throw e;
    }
  }

  private List<ArtifactFile> stage(PublishRequest request, Path staging) {
    String adapterId = request.adapterId();
    List<ArtifactFile> files;
    try {
      files = store.copyIn(request.artifactUri(), staging);
    } catch (IOException e) {
      throw failure(adapterId, "copy " + request.artifactUri() + " to " + staging, e);
    }
    List<String> names = files.stream().map(ArtifactFile::path).toList();
    for (String required : REQUIRED_FILES) {
      if (!names.contains(required)) {
        throw new RegistryException(
            String.format(
                "Cannot publish adapter %s from %s: %s is missing (found %s)",
                adapterId, request.artifactUri(), required, names));
      }
    }
    try {
      hook.reached(PublishHook.Step.STAGED, staging);
      String problem = store.verifyContent(staging, files);
      if (problem != null) {
        throw new RegistryException(
            String.format(
                "Cannot publish adapter %s from %s: the copy in %s does not match the source: %s",
                adapterId, request.artifactUri(), staging, problem));
      }
    } catch (IOException e) {
      throw failure(adapterId, "verify the copy in " + staging, e);
    }
    return files;
  }

  private AdapterVersion commit(PublishRequest request, Path staging, List<ArtifactFile> files) {
    String adapterId = request.adapterId();
    try (Connection connection = connect()) {
      connection.setAutoCommit(false);
      Path claimed = null;
      try {
        Instant now = now();
        try (PreparedStatement insert =
            connection.prepareStatement(
                "INSERT INTO adapter (adapter_id, created_at) VALUES (?, ?)"
                    + " ON CONFLICT (adapter_id) DO NOTHING")) {
          insert.setString(1, adapterId);
          insert.setString(2, now.toString());
          insert.executeUpdate();
        }
        dialect.lockAdapter(connection, adapterId);
        Optional<AdapterVersion> published = findByRun(connection, adapterId, request.runId());
        if (published.isPresent()) {
          // A publisher of the same run committed while this one was copying.
          connection.rollback();
          deleteQuietly(staging, null);
          requireSameFiles(published.get(), files, request);
          return published.get();
        }
        int version = latestVersion(connection, adapterId) + 1;
        Path target = store.versionFolder(adapterId, version);
        if (store.exists(target)) {
          // An orphan: a publisher crashed after its rename and before its commit. No committed
          // row claims this folder and the adapter's lock keeps every other publisher out.
          store.delete(target);
        }
        store.rename(staging, target);
        claimed = target;
        String problem = store.verifyListing(target, files);
        if (problem != null) {
          throw new RegistryException(
              String.format(
                  "Cannot publish adapter %s version %d: after the rename to %s, %s",
                  adapterId, version, target, problem));
        }
        hook.reached(PublishHook.Step.CLAIMED, target);
        AdapterVersion created =
            new AdapterVersion(
                adapterId,
                version,
                request.runId(),
                request.baseModelFingerprint(),
                request.preparedDataFingerprint(),
                target.toString(),
                files,
                request.configJson(),
                request.metricsJson(),
                now);
        insertVersion(connection, created);
        connection.commit();
        return created;
      } catch (SQLException | IOException | RuntimeException e) {
        abandon(connection, claimed, e);
        if (e instanceof RuntimeException runtime) {
          throw runtime;
        }
        throw failure(adapterId, "commit a new version", e);
      }
    } catch (SQLException e) {
      throw failure(adapterId, "commit a new version", e);
    }
  }

  /**
   * Undoes a failed commit: deletes the claimed folder while the lock is still held, rolls back.
   */
  private void abandon(Connection connection, Path claimed, Exception cause) {
    try {
      // Only while the connection (and so the adapter's lock) is alive is the folder surely ours;
      // otherwise the next publisher reclaims it as an orphan.
      if (claimed != null && connection.isValid(5)) {
        store.delete(claimed);
      }
    } catch (SQLException | IOException | RuntimeException e) {
      cause.addSuppressed(e);
    }
    try {
      connection.rollback();
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
  }

  /**
   * Whether the adapter folder at {@code artifactUri} has the same weights and adapter config as
   * {@code version} (by sha256 of the files a PEFT loader reads; {@code metrics.json} and the like
   * may differ): publishing it would add a version that serves exactly what {@code version} does.
   *
   * @throws RegistryException when the folder cannot be read
   */
  public boolean sameAdapter(AdapterVersion version, String artifactUri) {
    requireNonNull(version, "version is null");
    requireNonNull(artifactUri, "artifactUri is null");
    List<ArtifactFile> candidate;
    try {
      candidate = store.describe(artifactUri);
    } catch (IOException e) {
      throw new RegistryException("Cannot read the adapter folder " + artifactUri + ": " + e);
    }
    for (String required : REQUIRED_FILES) {
      Optional<String> mine = sha256(candidate, required);
      if (mine.isEmpty() || !mine.equals(sha256(version.files(), required))) {
        return false;
      }
    }
    return true;
  }

  private static Optional<String> sha256(List<ArtifactFile> files, String path) {
    return files.stream().filter(f -> f.path().equals(path)).map(ArtifactFile::sha256).findFirst();
  }

  /** Every adapter with at least one version, sorted by id, with its latest version and aliases. */
  public List<AdapterSummary> list() {
    return read(
        connection -> {
          Map<String, Integer> latest = new LinkedHashMap<>();
          try (PreparedStatement query =
                  connection.prepareStatement(
                      "SELECT adapter_id, MAX(version) FROM adapter_version"
                          + " GROUP BY adapter_id ORDER BY adapter_id");
              ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
              latest.put(rows.getString(1), rows.getInt(2));
            }
          }
          Map<String, Map<String, Integer>> aliases = new TreeMap<>();
          try (PreparedStatement query =
                  connection.prepareStatement(
                      "SELECT adapter_id, alias, version FROM adapter_alias ORDER BY alias");
              ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
              aliases
                  .computeIfAbsent(rows.getString(1), id -> new TreeMap<>())
                  .put(rows.getString(2), rows.getInt(3));
            }
          }
          List<AdapterSummary> summaries = new ArrayList<>();
          latest.forEach(
              (id, version) ->
                  summaries.add(
                      new AdapterSummary(id, version, aliases.getOrDefault(id, Map.of()))));
          return summaries;
        });
  }

  /** The versions of an adapter, oldest first; empty when the adapter is unknown. */
  public List<AdapterVersion> versions(String adapterId) {
    requireNonNull(adapterId, "adapterId is null");
    return read(
        connection -> {
          List<AdapterVersion> versions = new ArrayList<>();
          try (PreparedStatement query =
              connection.prepareStatement(
                  VERSION_COLUMNS + " WHERE adapter_id = ? ORDER BY version")) {
            query.setString(1, adapterId);
            try (ResultSet rows = query.executeQuery()) {
              while (rows.next()) {
                versions.add(toVersion(connection, rows));
              }
            }
          }
          return versions;
        });
  }

  /** One version of an adapter, if it exists. */
  public Optional<AdapterVersion> get(String adapterId, int version) {
    requireNonNull(adapterId, "adapterId is null");
    return read(connection -> findVersion(connection, adapterId, version));
  }

  /** The version an alias of the adapter points to, if the alias is set. */
  public Optional<AdapterVersion> alias(String adapterId, String name) {
    requireNonNull(adapterId, "adapterId is null");
    requireNonNull(name, "name is null");
    return read(
        connection -> {
          Optional<Integer> version = aliasTarget(connection, adapterId, name);
          return version.isEmpty()
              ? Optional.empty()
              : findVersion(connection, adapterId, version.get());
        });
  }

  /** The changes of an alias of the adapter, oldest first. */
  public List<AliasChange> aliasHistory(String adapterId, String name) {
    requireNonNull(adapterId, "adapterId is null");
    requireNonNull(name, "name is null");
    return read(
        connection -> {
          List<AliasChange> changes = new ArrayList<>();
          try (PreparedStatement query =
              connection.prepareStatement(
                  "SELECT seq, version, action, rolled_back, changed_at FROM adapter_alias_history"
                      + " WHERE adapter_id = ? AND alias = ? ORDER BY seq")) {
            query.setString(1, adapterId);
            query.setString(2, name);
            try (ResultSet rows = query.executeQuery()) {
              while (rows.next()) {
                changes.add(
                    new AliasChange(
                        rows.getInt(1),
                        rows.getInt(2),
                        rows.getString(3),
                        rows.getInt(4) != 0,
                        Instant.parse(rows.getString(5))));
              }
            }
          }
          return changes;
        });
  }

  /**
   * Points an alias of the adapter at one of its versions and records the change in the alias's
   * history; a no-op when it already points there.
   *
   * @return the version the alias now points to
   * @throws RegistryException when the adapter or version does not exist or the name is invalid
   */
  public AdapterVersion setAlias(String adapterId, String name, int version) {
    requireNonNull(adapterId, "adapterId is null");
    requireNonNull(name, "name is null");
    if (!ALIAS_NAME.matcher(name).matches()) {
      throw new RegistryException(
          String.format(
              "Cannot set alias '%s' of adapter %s: the name must match %s",
              name, adapterId, ALIAS_NAME.pattern()));
    }
    return write(
        adapterId,
        connection -> {
          requireAdapter(connection, adapterId);
          AdapterVersion target =
              findVersion(connection, adapterId, version)
                  .orElseThrow(
                      () ->
                          new RegistryException(
                              String.format(
                                  "Cannot set alias %s of adapter %s to version %d: the adapter has"
                                      + " no such version (latest is %d) in the registry at %s",
                                  name,
                                  adapterId,
                                  version,
                                  latestVersionUnchecked(connection, adapterId),
                                  redactedUrl)));
          if (aliasTarget(connection, adapterId, name).equals(Optional.of(version))) {
            return target;
          }
          Instant now = now();
          moveAlias(connection, adapterId, name, version, now);
          appendHistory(connection, adapterId, name, version, "set", now);
          return target;
        });
  }

  /** Points {@code production} at the version; the previous production stays in the history. */
  public AdapterVersion promote(String adapterId, int version) {
    return setAlias(adapterId, PRODUCTION, version);
  }

  /**
   * Moves {@code production} back to the version it pointed to before its latest promotion that was
   * not rolled back already.
   *
   * @return the version production now points to
   * @throws RegistryException when there is no earlier production version
   */
  public AdapterVersion rollback(String adapterId) {
    requireNonNull(adapterId, "adapterId is null");
    return write(
        adapterId,
        connection -> {
          requireAdapter(connection, adapterId);
          List<int[]> stack = new ArrayList<>();
          try (PreparedStatement query =
              connection.prepareStatement(
                  "SELECT seq, version FROM adapter_alias_history WHERE adapter_id = ? AND alias"
                      + " = ? AND action = 'set' AND rolled_back = 0 ORDER BY seq DESC")) {
            query.setString(1, adapterId);
            query.setString(2, PRODUCTION);
            try (ResultSet rows = query.executeQuery()) {
              while (rows.next() && stack.size() < 2) {
                stack.add(new int[] {rows.getInt(1), rows.getInt(2)});
              }
            }
          }
          if (stack.isEmpty()) {
            throw new RegistryException(
                String.format(
                    "Cannot roll back adapter %s: it has no production version in the registry"
                        + " at %s",
                    adapterId, redactedUrl));
          }
          if (stack.size() < 2) {
            throw new RegistryException(
                String.format(
                    "Cannot roll back adapter %s: production (version %d) has no earlier version"
                        + " to go back to",
                    adapterId, stack.get(0)[1]));
          }
          int previous = stack.get(1)[1];
          try (PreparedStatement update =
              connection.prepareStatement(
                  "UPDATE adapter_alias_history SET rolled_back = 1"
                      + " WHERE adapter_id = ? AND alias = ? AND seq = ?")) {
            update.setString(1, adapterId);
            update.setString(2, PRODUCTION);
            update.setInt(3, stack.get(0)[0]);
            update.executeUpdate();
          }
          Instant now = now();
          moveAlias(connection, adapterId, PRODUCTION, previous, now);
          appendHistory(connection, adapterId, PRODUCTION, previous, "rollback", now);
          return findVersion(connection, adapterId, previous).orElseThrow();
        });
  }

  @Override
  public void close() {
    try {
      store.close();
    } catch (IOException e) {
      throw new RegistryException("Cannot close the artifact store " + store.rootUri(), e);
    }
  }

  // --- SQL -----------------------------------------------------------------------------------

  private static final String VERSION_COLUMNS =
      "SELECT adapter_id, version, run_id, base_model_fingerprint, prepared_data_fingerprint,"
          + " artifact_uri, config_json, metrics_json, created_at FROM adapter_version";

  private Optional<AdapterVersion> findByRun(Connection connection, String adapterId, String runId)
      throws SQLException {
    try (PreparedStatement query =
        connection.prepareStatement(VERSION_COLUMNS + " WHERE adapter_id = ? AND run_id = ?")) {
      query.setString(1, adapterId);
      query.setString(2, runId);
      try (ResultSet rows = query.executeQuery()) {
        return rows.next() ? Optional.of(toVersion(connection, rows)) : Optional.empty();
      }
    }
  }

  private Optional<AdapterVersion> findVersion(Connection connection, String adapterId, int version)
      throws SQLException {
    try (PreparedStatement query =
        connection.prepareStatement(VERSION_COLUMNS + " WHERE adapter_id = ? AND version = ?")) {
      query.setString(1, adapterId);
      query.setInt(2, version);
      try (ResultSet rows = query.executeQuery()) {
        return rows.next() ? Optional.of(toVersion(connection, rows)) : Optional.empty();
      }
    }
  }

  private static AdapterVersion toVersion(Connection connection, ResultSet row)
      throws SQLException {
    String adapterId = row.getString(1);
    int version = row.getInt(2);
    List<ArtifactFile> files = new ArrayList<>();
    try (PreparedStatement query =
        connection.prepareStatement(
            "SELECT path, size_bytes, sha256 FROM artifact_file"
                + " WHERE adapter_id = ? AND version = ? ORDER BY path")) {
      query.setString(1, adapterId);
      query.setInt(2, version);
      try (ResultSet rows = query.executeQuery()) {
        while (rows.next()) {
          files.add(new ArtifactFile(rows.getString(1), rows.getLong(2), rows.getString(3)));
        }
      }
    }
    return new AdapterVersion(
        adapterId,
        version,
        row.getString(3),
        row.getString(4),
        row.getString(5),
        row.getString(6),
        files,
        row.getString(7),
        row.getString(8),
        Instant.parse(row.getString(9)));
  }

  private static void insertVersion(Connection connection, AdapterVersion version)
      throws SQLException {
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO adapter_version (adapter_id, version, run_id, base_model_fingerprint,"
                + " prepared_data_fingerprint, artifact_uri, config_json, metrics_json,"
                + " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      insert.setString(1, version.adapterId());
      insert.setInt(2, version.version());
      insert.setString(3, version.runId());
      insert.setString(4, version.baseModelFingerprint());
      insert.setString(5, version.preparedDataFingerprint());
      insert.setString(6, version.artifactUri());
      insert.setString(7, version.configJson());
      insert.setString(8, version.metricsJson());
      insert.setString(9, version.createdAt().toString());
      insert.executeUpdate();
    }
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO artifact_file (adapter_id, version, path, size_bytes, sha256)"
                + " VALUES (?, ?, ?, ?, ?)")) {
      for (ArtifactFile file : version.files()) {
        insert.setString(1, version.adapterId());
        insert.setInt(2, version.version());
        insert.setString(3, file.path());
        insert.setLong(4, file.sizeBytes());
        insert.setString(5, file.sha256());
        insert.addBatch();
      }
      insert.executeBatch();
    }
  }

  private static int latestVersion(Connection connection, String adapterId) throws SQLException {
    try (PreparedStatement query =
        connection.prepareStatement(
            "SELECT COALESCE(MAX(version), 0) FROM adapter_version WHERE adapter_id = ?")) {
      query.setString(1, adapterId);
      try (ResultSet rows = query.executeQuery()) {
        rows.next();
        return rows.getInt(1);
      }
    }
  }

  private static int latestVersionUnchecked(Connection connection, String adapterId) {
    try {
      return latestVersion(connection, adapterId);
    } catch (SQLException e) {
      return -1;
    }
  }

  private static Optional<Integer> aliasTarget(Connection connection, String adapterId, String name)
      throws SQLException {
    try (PreparedStatement query =
        connection.prepareStatement(
            "SELECT version FROM adapter_alias WHERE adapter_id = ? AND alias = ?")) {
      query.setString(1, adapterId);
      query.setString(2, name);
      try (ResultSet rows = query.executeQuery()) {
        return rows.next() ? Optional.of(rows.getInt(1)) : Optional.empty();
      }
    }
  }

  private static void moveAlias(
      Connection connection, String adapterId, String name, int version, Instant now)
      throws SQLException {
    try (PreparedStatement upsert =
        connection.prepareStatement(
            "INSERT INTO adapter_alias (adapter_id, alias, version, updated_at)"
                + " VALUES (?, ?, ?, ?) ON CONFLICT (adapter_id, alias)"
                + " DO UPDATE SET version = excluded.version, updated_at = excluded.updated_at")) {
      upsert.setString(1, adapterId);
      upsert.setString(2, name);
      upsert.setInt(3, version);
      upsert.setString(4, now.toString());
      upsert.executeUpdate();
    }
  }

  private static void appendHistory(
      Connection connection, String adapterId, String name, int version, String action, Instant now)
      throws SQLException {
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO adapter_alias_history"
                + " (adapter_id, alias, seq, version, action, rolled_back, changed_at)"
                + " SELECT ?, ?, COALESCE(MAX(seq), 0) + 1, ?, ?, 0, ? FROM adapter_alias_history"
                + " WHERE adapter_id = ? AND alias = ?")) {
      insert.setString(1, adapterId);
      insert.setString(2, name);
      insert.setInt(3, version);
      insert.setString(4, action);
      insert.setString(5, now.toString());
      insert.setString(6, adapterId);
      insert.setString(7, name);
      insert.executeUpdate();
    }
  }

  // --- plumbing ------------------------------------------------------------------------------

  /** A body run with a connection; may throw SQLException. */
  private interface Work<T> {
    T run(Connection connection) throws SQLException;
  }

  private Connection connect() {
    try {
      return dialect.connect(jdbcUrl);
    } catch (SQLException e) {
      throw new RegistryException(
          String.format("Cannot connect to the registry at %s: %s", redactedUrl, e.getMessage()),
          e);
    }
  }

  private <T> T read(Work<T> work) {
    try (Connection connection = connect()) {
      return work.run(connection);
    } catch (SQLException e) {
      throw new RegistryException(
          String.format("Cannot read the registry at %s: %s", redactedUrl, e.getMessage()), e);
    }
  }

  /** Runs the work in a transaction holding the adapter's write lock. */
  private <T> T write(String adapterId, Work<T> work) {
    try (Connection connection = connect()) {
      connection.setAutoCommit(false);
      try {
        T result = work.run(connection);
        connection.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        try {
          connection.rollback();
        } catch (SQLException rollback) {
          e.addSuppressed(rollback);
        }
        throw e;
      }
    } catch (SQLException e) {
      throw failure(adapterId, "update", e);
    }
  }

  private void requireAdapter(Connection connection, String adapterId) throws SQLException {
    if (!AdapterIds.isValid(adapterId) || !dialect.lockAdapter(connection, adapterId)) {
      throw new RegistryException(
          String.format("Adapter %s is not in the registry at %s", adapterId, redactedUrl));
    }
  }

  private static void requireSameFiles(
      AdapterVersion published, List<ArtifactFile> files, PublishRequest request) {
    if (!published.files().equals(files)) {
      throw new RegistryException(
          String.format(
              "Cannot publish adapter %s from run %s: the run was published as version %d with"
                  + " different files (%s, now %s from %s); publish it under a new run id",
              published.adapterId(),
              published.runId(),
              published.version(),
              published.files(),
              files,
              request.artifactUri()));
    }
  }

  private void deleteQuietly(Path folder, RuntimeException cause) {
    try {
      store.delete(folder);
    } catch (IOException | RuntimeException e) {
      if (cause != null) {
        cause.addSuppressed(e);
      }
    }
  }

  private RegistryException failure(String adapterId, String action, Exception cause) {
    return new RegistryException(
        String.format(
            "Cannot %s for adapter %s in the registry at %s (store %s): %s",
            action, adapterId, redactedUrl, store.rootUri(), cause.getMessage()),
        cause);
  }

  private static Instant now() {
    return Instant.now().truncatedTo(ChronoUnit.MILLIS);
  }
}
