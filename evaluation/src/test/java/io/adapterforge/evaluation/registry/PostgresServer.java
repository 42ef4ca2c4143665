package io.adapterforge.evaluation.registry;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A throwaway PostgreSQL server for tests: {@code initdb} into a temp folder, {@code pg_ctl start}
 * on 127.0.0.1 and a free port (trust authentication), one fresh database per {@link #newDatabase},
 * {@code pg_ctl stop -m fast} and the folder deleted on {@link #close}. Binaries come from {@code
 * $PG_BIN} or the newest {@code /usr/lib/postgresql/<n>/bin}. PostgreSQL refuses to run as root, so
 * as root the server runs as the {@code postgres} user (through {@code runuser}). Without binaries,
 * {@link #start} fails with a message saying what to install: these tests never skip.
 */
final class PostgresServer implements AutoCloseable {
  private static final String USER = "adapterforge";
  private static final AtomicInteger DATABASES = new AtomicInteger();

  private final Path bin;
  private final Path folder;
  private final int port;
  private final List<String> asUser;

  private PostgresServer(Path bin, Path folder, int port, List<String> asUser) {
    this.bin = bin;
    this.folder = folder;
    this.port = port;
    this.asUser = asUser;
  }

  static PostgresServer start() throws IOException, InterruptedException {
    Path bin = findBinaries();
    List<String> asUser = new ArrayList<>();
    Path folder = Files.createTempDirectory("adapterforge-pg-");
    if ("root".equals(System.getProperty("user.name"))) {
      asUser.addAll(List.of("runuser", "-u", "postgres", "--"));
      UserPrincipalLookupService users = folder.getFileSystem().getUserPrincipalLookupService();
      try {
        Files.setOwner(folder, users.lookupPrincipalByName("postgres"));
      } catch (IOException e) {
        throw new IllegalStateException(
            "Tests run as root and PostgreSQL refuses root, but there is no 'postgres' user to"
                + " run it as (install the Debian package postgresql, which creates it)",
            e);
      }
    }
    PostgresServer server = null;
    for (int attempt = 1; server == null; attempt++) {
      int port = freePort();
      PostgresServer candidate = new PostgresServer(bin, folder, port, asUser);
      try {
        if (attempt == 1) {
          candidate.exec(
              "initdb",
              "-D",
              candidate.data(),
              "-U",
              USER,
              "--auth=trust",
              "-E",
              "UTF8",
              "--no-sync",
              "--locale=C");
        }
        candidate.exec(
            "pg_ctl",
            "-D",
            candidate.data(),
            "-l",
            folder.resolve("server.log").toString(),
            "-w",
            "-t",
            "60",
            "-o",
            "-h 127.0.0.1 -p "
                + port
                + " -k "
                + folder
                + " -c fsync=off -c synchronous_commit=off -c full_page_writes=off",
            "start");
        server = candidate;
      } catch (IllegalStateException e) {
        // Another process may have taken the port between freePort() and the start.
        if (attempt == 3) {
          deleteRecursively(folder);
          throw e;
        }
      }
    }
    return server;
  }

  /** A JDBC URL of a new, empty database on this server. */
  String newDatabase() throws SQLException {
    String name = "registry_" + DATABASES.incrementAndGet();
    try (Connection connection = DriverManager.getConnection(url("postgres"));
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE DATABASE " + name);
    }
    return url(name);
  }

  private String url(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database + "?user=" + USER;
  }

  @Override
  public void close() throws IOException, InterruptedException {
    try {
      exec("pg_ctl", "-D", data(), "-m", "fast", "-w", "stop");
    } finally {
      deleteRecursively(folder);
    }
  }

  private String data() {
    return folder.resolve("data").toString();
  }

  private void exec(String program, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(asUser);
    command.add(bin.resolve(program).toString());
    command.addAll(List.of(args));
    Path output = Files.createTempFile("adapterforge-pg-", ".out");
    try {
      Process process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(output.toFile())
              .start();
      if (!process.waitFor(120, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(String.join(" ", command) + " did not finish in 120 s");
      }
      if (process.exitValue() != 0) {
        String log = "";
        Path serverLog = folder.resolve("server.log");
        if (Files.isReadable(serverLog)) {
          log = "\nserver.log:\n" + Files.readString(serverLog, StandardCharsets.UTF_8);
        }
        throw new IllegalStateException(
            String.format(
                "%s exited %d:%n%s%s",
                String.join(" ", command),
                process.exitValue(),
                Files.readString(output, StandardCharsets.UTF_8),
                log));
      }
    } finally {
      Files.deleteIfExists(output);
    }
  }

  private static Path findBinaries() throws IOException {
    String configured = System.getenv("PG_BIN");
    if (configured != null && !configured.isBlank()) {
      Path bin = Paths.get(configured);
      if (!Files.isExecutable(bin.resolve("initdb"))) {
        throw new IllegalStateException("PG_BIN=" + configured + " has no executable initdb");
      }
      return bin;
    }
    Path root = Paths.get("/usr/lib/postgresql");
    if (Files.isDirectory(root)) {
      try (Stream<Path> versions = Files.list(root)) {
        Path newest =
            versions
                .filter(v -> v.getFileName().toString().matches("\\d+"))
                .filter(v -> Files.isExecutable(v.resolve("bin/initdb")))
                .max(Comparator.comparingInt(v -> Integer.parseInt(v.getFileName().toString())))
                .orElse(null);
        if (newest != null) {
          return newest.resolve("bin");
        }
      }
    }
    throw new IllegalStateException(
        "The PostgreSQL registry tests need PostgreSQL server binaries (initdb, pg_ctl): none under"
            + " /usr/lib/postgresql/<version>/bin and PG_BIN is not set. Install them (Debian:"
            + " apt-get install postgresql) or point PG_BIN at their folder.");
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static void deleteRecursively(Path folder) throws IOException {
    if (!Files.exists(folder)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(folder)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }
}
