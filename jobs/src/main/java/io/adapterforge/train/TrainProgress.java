package io.adapterforge.train;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Per-adapter progress, as small JSON files {@code <dir>/<adapter_id>.json} that a task rewrites
 * atomically as it trains (at most every 200 ms, and always on the first and last update) and the
 * driver reads to log step / total and an ETA. Files, rather than accumulators, because
 * accumulators reach the driver only when a task ends, and a task trains many adapters.
 */
public final class TrainProgress {
  private static final ObjectMapper JSON = new ObjectMapper();

  private TrainProgress() {}

  /**
   * One adapter's latest progress.
   *
   * @param adapterId the adapter
   * @param slot its slot
   * @param step updates done
   * @param totalSteps updates planned
   * @param loss the last update's loss
   * @param startedMillis when this attempt started on it (epoch millis)
   * @param startStep the step this attempt started from (a resume's checkpoint step)
   * @param updatedMillis when this was written
   * @param executorId the executor training it
   * @param pid that executor's process id
   * @param attempt how many times this run had started this adapter before
   */
  public record Entry(
      String adapterId,
      int slot,
      long step,
      long totalSteps,
      double loss,
      long startedMillis,
      long startStep,
      long updatedMillis,
      String executorId,
      long pid,
      int attempt) {
    /** Seconds left at this attempt's rate; -1 when unknown. */
    public double etaSeconds() {
      long done = step - startStep;
      if (done <= 0) {
        return -1;
      }
      double perStep = (updatedMillis - startedMillis) / 1000.0 / done;
      return perStep * (totalSteps - step);
    }

    /** One log line: {@code adapter (slot s): step i/n (p%), loss l, ETA m:ss}. */
    public String describe() {
      double eta = etaSeconds();
      return String.format(
          Locale.ROOT,
          "%s (slot %d, executor %s, attempt %d): step %d/%d (%.0f%%), loss %.4f, ETA %s",
          adapterId,
          slot,
          executorId,
          attempt,
          step,
          totalSteps,
          totalSteps == 0 ? 100.0 : 100.0 * step / totalSteps,
          loss,
          eta < 0 ? "?" : String.format(Locale.ROOT, "%d:%02d", (long) eta / 60, (long) eta % 60));
    }
  }

  /** Writes {@code entry} to {@code dir}, atomically. */
  public static void write(Path dir, Entry entry) {
    requireNonNull(dir, "dir is null");
    requireNonNull(entry, "entry is null");
    try {
      Files.createDirectories(dir);
      Path temp = Files.createTempFile(dir, "." + entry.adapterId(), ".tmp");
      Files.write(temp, JSON.writeValueAsBytes(entry));
      Files.move(
          temp,
          dir.resolve(entry.adapterId() + ".json"),
          StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write progress into " + dir + ": " + e, e);
    }
  }

  /** Every entry in {@code dir}, by adapter id; files being replaced are skipped. */
  public static List<Entry> read(Path dir) {
    List<Entry> entries = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return entries;
    }
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.sorted().toList()) {
        String name = file.getFileName().toString();
        if (name.endsWith(".json") && !name.startsWith(".")) {
          try {
            entries.add(JSON.readValue(file.toFile(), Entry.class));
          } catch (IOException e) {
            // Renamed away between list and read: the next poll sees the new file.
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list progress in " + dir + ": " + e, e);
    }
    return entries;
  }
}
