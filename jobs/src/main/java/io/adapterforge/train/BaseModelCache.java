package io.adapterforge.train;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.adapterforge.trainer.model.DecoderModel;
import io.adapterforge.trainer.model.WeightPrecision;
import io.adapterforge.trainer.storage.StorageDirectory;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The base model of each executor JVM, loaded once and kept for the JVM's life, keyed by the
 * model's fingerprint and device: every adapter the JVM trains attaches to the same frozen weights.
 * {@link #loads()} counts the loads in this JVM (tests assert it equals the executors).
 *
 * <p>A {@link Lease} is shared: when several tasks share a JVM (local mode with several slots) they
 * train on the same frozen weights at the same time, each adapter attached for its own thread only
 * ({@link io.adapterforge.trainer.train.LoraTrainer}). When another model is asked for, models no
 * task holds are closed. Thread-safe.
 */
public final class BaseModelCache {
  private static final Map<String, Entry> MODELS = new LinkedHashMap<>();
  private static final AtomicInteger LOADS = new AtomicInteger();

  private BaseModelCache() {}

  /** Base-model loads in this JVM so far. */
  public static int loads() {
    return LOADS.get();
  }

  /**
   * The model at {@code location} on {@code device}, loaded on first use (a second task asking
   * while it loads waits for that load). Close the lease to release it.
   *
   * @param log receives a line when the model is loaded
   */
  public static Lease acquire(
      String location, String fingerprint, Device device, Consumer<String> log) {
    String key = fingerprint + "@" + device;
    Entry entry;
    synchronized (MODELS) {
      entry = MODELS.get(key);
      if (entry == null) {
        evictIdleExcept(key);
        NDManager manager = NDManager.newBaseManager(device);
        try {
          long started = System.nanoTime();
          // On a GPU the frozen weights are bfloat16 (LoRA, optimizer and loss stay float32).
          WeightPrecision precision =
              device.isGpu() ? WeightPrecision.BFLOAT16 : WeightPrecision.FLOAT32;
          DecoderModel model = DecoderModel.load(StorageDirectory.of(location), manager, precision);
          int loads = LOADS.incrementAndGet();
          log.accept(
              String.format(
                  "Loaded base model %s on %s (%s) in %.1f s (load %d in this JVM)",
                  location, device, precision, (System.nanoTime() - started) / 1e9, loads));
          entry = new Entry(model, manager);
        } catch (RuntimeException e) {
          manager.close();
          throw e;
        }
        MODELS.put(key, entry);
      }
      entry.users++;
    }
    return new Lease(entry);
  }

  private static void evictIdleExcept(String key) {
    Iterator<Map.Entry<String, Entry>> entries = MODELS.entrySet().iterator();
    while (entries.hasNext()) {
      Map.Entry<String, Entry> other = entries.next();
      if (!other.getKey().equals(key) && other.getValue().users == 0) {
        other.getValue().model.close();
        other.getValue().manager.close();
        entries.remove();
      }
    }
  }

  private static final class Entry {
    final DecoderModel model;
    final NDManager manager;
    // Open leases; guarded by MODELS.
    int users;

    Entry(DecoderModel model, NDManager manager) {
      this.model = model;
      this.manager = manager;
    }
  }

  /** Use of a cached model, shared with the other tasks of this JVM, until closed. */
  public static final class Lease implements AutoCloseable {
    private final Entry entry;
    private boolean closed;

    private Lease(Entry entry) {
      this.entry = entry;
    }

    /** The model (do not close it). */
    public DecoderModel model() {
      return entry.model;
    }

    /** The manager on the model's device, parent for the adapter's arrays. */
    public NDManager manager() {
      return entry.manager;
    }

    @Override
    public void close() {
      synchronized (MODELS) {
        if (!closed) {
          closed = true;
          entry.users--;
        }
      }
    }
  }
}
