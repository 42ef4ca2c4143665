package io.adapterforge.cluster;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;

/**
 * What {@code cluster start} wrote to {@code <dir>/cluster.json}: the URLs and every process it
 * started. {@code cluster stop} and {@code cluster status} read it back.
 *
 * @param masterUrl e.g. {@code spark://127.0.0.1:7077}
 * @param webUiUrl the master's web UI, e.g. {@code http://127.0.0.1:8080}
 * @param sparkHome the generated SPARK_HOME (its {@code jars/} and {@code RELEASE})
 * @param gpusPerWorker GPUs each worker advertises
 * @param processes master first, then workers
 */
public record ClusterState(
    String masterUrl,
    String webUiUrl,
    String sparkHome,
    int gpusPerWorker,
    List<ClusterProcess> processes) {
  static final String FILE = "cluster.json";

  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  public ClusterState {
    requireNonNull(masterUrl, "masterUrl is null");
    requireNonNull(webUiUrl, "webUiUrl is null");
    requireNonNull(sparkHome, "sparkHome is null");
    processes = List.copyOf(requireNonNull(processes, "processes is null"));
  }

  /** Reads the state a previous start left in {@code dir}, if any. */
  public static Optional<ClusterState> read(Path dir) {
    Path file = dir.resolve(FILE);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      return Optional.of(MAPPER.readValue(file.toFile(), ClusterState.class));
    } catch (IOException e) {
      throw new ClusterException("Cannot read cluster state " + file + ": " + e.getMessage(), e);
    }
  }

  void write(Path dir) {
    Path file = dir.resolve(FILE);
    Path temp = dir.resolve(FILE + ".tmp");
    try {
      MAPPER.writeValue(temp.toFile(), this);
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new ClusterException("Cannot write cluster state " + file + ": " + e.getMessage(), e);
    }
  }

  static void delete(Path dir) {
    try {
      Files.deleteIfExists(dir.resolve(FILE));
    } catch (IOException e) {
      throw new ClusterException(
          "Cannot delete cluster state in " + dir + ": " + e.getMessage(), e);
    }
  }
}
