package io.adapterforge.trainer.train;

import static java.util.Objects.requireNonNull;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.adapterforge.trainer.lora.LoraAdapter;
import io.adapterforge.trainer.lora.LoraLayer;
import io.adapterforge.trainer.model.DecoderModel;
import io.adapterforge.trainer.model.Projection;
import io.adapterforge.trainer.model.ProjectionAdapter;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A LoRA adapter set on a model for the calling thread only, so that several threads of one JVM can
 * each train their own adapter on one shared, frozen model at the same time.
 *
 * <p>While any thread has an adapter attached this way, each targeted projection of the model
 * carries a router: a {@link ProjectionAdapter} that passes the input to the layer of the thread
 * running the forward pass, and adds nothing (an exact zero) for a thread with no layer there. When
 * the last thread detaches, the routers are removed and the model is as it was. {@link
 * LoraAdapter#attach} (one adapter for every thread) and this cannot be used on one model at once:
 * each refuses a projection that has the other's adapter.
 *
 * <p>Used by training slots and evaluation works that share one cached model in a JVM. Thread-safe;
 * an attachment is closed on the thread that made it.
 */
public final class ThreadAttachment implements AutoCloseable {
  /** Routers per model that some thread has an adapter on; guarded by itself. */
  private static final Map<DecoderModel, Routing> ROUTINGS = new IdentityHashMap<>();

  private final DecoderModel model;
  private final LoraAdapter adapter;
  private final Thread thread;
  private boolean closed;

  private ThreadAttachment(DecoderModel model, LoraAdapter adapter, Thread thread) {
    this.model = model;
    this.adapter = adapter;
    this.thread = thread;
  }

  /**
   * Sets {@code adapter}'s layers on {@code model}'s projections for the calling thread.
   *
   * @throws IllegalArgumentException if the model lacks a projection of the adapter or its shape
   *     differs
   * @throws IllegalStateException if a projection has an adapter attached for every thread, this
   *     thread has an adapter on the model already, or {@code adapter} is attached on another
   *     thread
   */
  public static ThreadAttachment attach(DecoderModel model, LoraAdapter adapter) {
    requireNonNull(model, "model is null");
    requireNonNull(adapter, "adapter is null");
    Thread thread = Thread.currentThread();
    Map<String, Projection> byName = new LinkedHashMap<>();
    model.projections().forEach(projection -> byName.put(projection.name(), projection));
    synchronized (ROUTINGS) {
      Routing routing = ROUTINGS.get(model);
      for (LoraLayer layer : adapter.layers()) {
        Projection projection = byName.get(layer.projection());
        if (projection == null) {
          throw new IllegalArgumentException(
              "Cannot attach LoRA to " + model + ": it has no projection " + layer.projection());
        }
        Shape shape = new Shape(projection.outFeatures(), projection.inFeatures());
        Shape made = new Shape(layer.b().getShape().get(0), layer.a().getShape().get(1));
        if (!shape.equals(made)) {
          throw new IllegalArgumentException(
              String.format(
                  "Cannot attach LoRA to %s: projection %s has shape %s, the adapter was made for"
                      + " %s",
                  model, layer.projection(), shape, made));
        }
        ProjectionAdapter current = projection.adapter().orElse(null);
        if (current != null && !(current instanceof Router)) {
          throw new IllegalStateException(
              "Cannot attach LoRA to "
                  + model
                  + " for thread "
                  + thread.getName()
                  + ": projection "
                  + projection.name()
                  + " has an adapter for every thread (detach it first)");
        }
      }
      if (routing != null) {
        if (routing.threads.containsKey(thread)) {
          throw new IllegalStateException(
              "Cannot attach a second LoRA adapter to "
                  + model
                  + " on thread "
                  + thread.getName()
                  + ": it has one there already");
        }
        if (routing.threads.containsValue(adapter)) {
          throw new IllegalStateException(
              "Cannot attach a LoRA adapter on two threads: it is on " + model + " already");
        }
      } else {
        routing = new Routing();
        ROUTINGS.put(model, routing);
      }
      for (LoraLayer layer : adapter.layers()) {
        Projection projection = byName.get(layer.projection());
        Router router =
            routing.routers.computeIfAbsent(
                projection,
                p -> {
                  Router made = new Router();
                  p.setAdapter(made);
                  return made;
                });
        router.layers.put(thread, layer);
      }
      routing.threads.put(thread, adapter);
      return new ThreadAttachment(model, adapter, thread);
    }
  }

  /** Removes the adapter's layers for its thread; the last one out removes the routers. */
  @Override
  public void close() {
    synchronized (ROUTINGS) {
      if (closed) {
        return;
      }
      closed = true;
      Routing routing = ROUTINGS.get(model);
      if (routing == null || routing.threads.get(thread) != adapter) {
        return;
      }
      routing.threads.remove(thread);
      routing.routers.values().forEach(router -> router.layers.remove(thread));
      if (routing.threads.isEmpty()) {
        routing.routers.forEach(
            (projection, router) -> {
              if (projection.adapter().orElse(null) == router) {
                projection.setAdapter(null);
              }
            });
        ROUTINGS.remove(model);
      }
    }
  }

  /** The routers of one model and the adapter of each thread on it. */
  private static final class Routing {
    final Map<Projection, Router> routers = new IdentityHashMap<>();
    final Map<Thread, LoraAdapter> threads = new IdentityHashMap<>();
  }

  /** Passes a projection's input to the calling thread's layer. */
  private static final class Router implements ProjectionAdapter {
    final Map<Thread, LoraLayer> layers = new ConcurrentHashMap<>();

    @Override
    public NDArray delta(NDArray input) {
      LoraLayer layer = layers.get(Thread.currentThread());
      if (layer == null) {
        // y + 0 is y: a thread whose adapter skips this projection sees the frozen output.
        return input.getManager().zeros(new Shape(), DataType.FLOAT32);
      }
      return layer.delta(input);
    }
  }
}
