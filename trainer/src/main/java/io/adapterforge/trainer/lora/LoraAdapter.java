package io.adapterforge.trainer.lora;

import static java.util.Objects.requireNonNull;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.adapterforge.trainer.CounterRandom;
import io.adapterforge.trainer.ModelLoadException;
import io.adapterforge.trainer.NativeArrays;
import io.adapterforge.trainer.model.DecoderModel;
import io.adapterforge.trainer.model.Projection;
import io.adapterforge.trainer.safetensors.TensorInfo;
import io.adapterforge.trainer.safetensors.TensorReader;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The LoRA weights of one adapter for one base model: a {@link LoraLayer} for every projection of
 * every layer whose module name is a target, in the model's projection order.
 *
 * <p>{@link #create} initializes as PEFT does: A Kaiming-uniform with {@code a = √5} (as {@code
 * nn.init.kaiming_uniform_}, i.e. uniform in {@code ±1/√in_features}), B zero, so a new adapter
 * leaves the model's outputs unchanged. The numbers come from {@link CounterRandom} keyed by the
 * seed and each projection's ordinal: the same seed gives the same adapter on any machine.
 *
 * <p>A and B are float32 arrays in a sub-manager of the manager given to {@link #create}, which
 * this adapter owns and {@link #close()} frees; they are the only arrays with {@code
 * requiresGradient}. The base model is never modified: {@link #attach} sets this adapter's layers
 * on the model's projections and the returned {@link Attachment} removes them again.
 *
 * <p>Thread-safety: attach, detach, {@link #load}, {@link #setTraining} and {@link #setDropoutKey}
 * belong to one thread (the training loop); forward passes through an attached adapter that is not
 * training may run concurrently.
 */
public final class LoraAdapter implements AutoCloseable {
  /** Tag mixed into the seed for the initial values of A. */
  static final long INIT_STREAM = 0x4c6f524149L;

  private final LoraSettings settings;
  private final NDManager manager;
  private final List<LoraLayer> layers;
  private final Map<String, Shape> projectionShapes;
  private volatile boolean training;
  private volatile long dropoutKey;
  private DecoderModel attachedTo;

  private LoraAdapter(LoraSettings settings, NDManager manager) {
    this.settings = settings;
    this.manager = manager;
    this.layers = new ArrayList<>();
    this.projectionShapes = new LinkedHashMap<>();
  }

  /**
   * A new adapter for {@code model}, initialized as PEFT initializes LoRA (see the class comment).
   *
   * @param manager the parent of the adapter's own manager; must be on the model's device
   * @throws IllegalArgumentException if no projection of the model matches a target module, or the
   *     manager is on another device
   */
  public static LoraAdapter create(
      DecoderModel model, LoraSettings settings, long seed, NDManager manager) {
    requireNonNull(model, "model is null");
    requireNonNull(settings, "settings is null");
    requireNonNull(manager, "manager is null");
    if (!manager.getDevice().equals(model.device())) {
      throw new IllegalArgumentException(
          "Cannot create a LoRA adapter on "
              + manager.getDevice()
              + " for a model on "
              + model.device());
    }
    NDManager own = manager.newSubManager();
    LoraAdapter adapter = new LoraAdapter(settings, own);
    try {
      List<Projection> projections = model.projections();
      for (int ordinal = 0; ordinal < projections.size(); ordinal++) {
        Projection projection = projections.get(ordinal);
        if (!settings.targetModules().contains(projection.module())) {
          continue;
        }
        int in = Math.toIntExact(projection.inFeatures());
        int out = Math.toIntExact(projection.outFeatures());
        float[] initial = new float[settings.rank() * in];
        double bound = 1 / Math.sqrt(in);
        long key = CounterRandom.key(seed, INIT_STREAM, ordinal);
        for (int i = 0; i < initial.length; i++) {
          initial[i] = (float) ((2.0 * CounterRandom.uniform(key, i) - 1.0) * bound);
        }
        NDArray a = NativeArrays.copyOf(own, initial, new Shape(settings.rank(), in));
        NDArray b = own.zeros(new Shape(out, settings.rank()), DataType.FLOAT32);
        a.setRequiresGradient(true);
        b.setRequiresGradient(true);
        adapter.layers.add(
            new LoraLayer(
                adapter, projection.name(), ordinal, a, b, settings.scale(), settings.dropout()));
        adapter.projectionShapes.put(projection.name(), new Shape(out, in));
      }
      if (adapter.layers.isEmpty()) {
        throw new IllegalArgumentException(
            "Cannot create a LoRA adapter: no projection of "
                + model
                + " is one of the target modules "
                + settings.targetModules());
      }
      return adapter;
    } catch (RuntimeException e) {
      adapter.close();
      throw e;
    }
  }

  /** The adapter's shape. */
  public LoraSettings settings() {
    return settings;
  }

  /** The layers, in the model's projection order. */
  public List<LoraLayer> layers() {
    return Collections.unmodifiableList(layers);
  }

  /** The manager holding A and B (and whatever else is attached to it, such as optimizer state). */
  public NDManager manager() {
    return manager;
  }

  /** A then B of every layer, in layer order, named by PEFT's keys. */
  public List<TrainableParameter> parameters() {
    List<TrainableParameter> parameters = new ArrayList<>();
    for (LoraLayer layer : layers) {
      parameters.add(new TrainableParameter(layer.keyA(), layer.a()));
      parameters.add(new TrainableParameter(layer.keyB(), layer.b()));
    }
    return parameters;
  }

  /**
   * Detached views of every A and B (no gradient), by PEFT's key in sorted order: for writing. The
   * views share the adapter's memory and stay valid until it is closed.
   */
  public SortedMap<String, NDArray> tensors() {
    SortedMap<String, NDArray> tensors = new TreeMap<>();
    for (LoraLayer layer : layers) {
      tensors.put(layer.keyA(), layer.aView());
      tensors.put(layer.keyB(), layer.bView());
    }
    return Collections.unmodifiableSortedMap(tensors);
  }

  /** The number of trainable values, {@code Σ r·(in + out)}. */
  public long parameterCount() {
    long count = 0;
    for (LoraLayer layer : layers) {
      count += layer.a().size() + layer.b().size();
    }
    return count;
  }

  /**
   * Overwrites every A and B with the tensors of {@code reader} under PEFT's keys, which must be
   * exactly this adapter's keys with the same shapes. Values are copied in place, so parameters and
   * optimizer state keep referring to the same arrays.
   *
   * @throws ModelLoadException naming the file and key of a missing, extra or misshapen tensor
   */
  public void load(TensorReader reader) {
    requireNonNull(reader, "reader is null");
    SortedMap<String, NDArray> targets = tensors();
    TreeSet<String> extra = new TreeSet<>(reader.names());
    extra.removeAll(targets.keySet());
    if (!extra.isEmpty()) {
      throw new ModelLoadException(
          String.format(
              "Cannot load LoRA weights from %s: tensor '%s' is not one of this adapter's"
                  + " (rank %d on %s)",
              reader.locationOf(extra.first()),
              extra.first(),
              settings.rank(),
              settings.targetModules()));
    }
    for (Map.Entry<String, NDArray> target : targets.entrySet()) {
      String key = target.getKey();
      TensorInfo info =
          reader
              .info(key)
              .orElseThrow(
                  () ->
                      new ModelLoadException(
                          String.format(
                              "Cannot load LoRA weights from %s: tensor '%s' is missing",
                              reader.locationOf(key), key)));
      Shape expected = target.getValue().getShape();
      if (!info.shape().equals(expected)) {
        throw new ModelLoadException(
            String.format(
                "Cannot load LoRA weights from %s: tensor '%s' has shape %s, this adapter's has %s",
                reader.locationOf(key), key, info.shape(), expected));
      }
    }
    try (NDManager scratch = manager.newSubManager()) {
      for (Map.Entry<String, NDArray> target : targets.entrySet()) {
        NDArray value = reader.read(target.getKey(), scratch, DataType.FLOAT32);
        target.getValue().set(new NDIndex("..."), value);
      }
    }
  }

  /**
   * Copies every A and B from {@code other}, an adapter of the same shape (e.g. a snapshot of the
   * best weights).
   */
  public void copyFrom(LoraAdapter other) {
    requireNonNull(other, "other is null");
    SortedMap<String, NDArray> sources = other.tensors();
    SortedMap<String, NDArray> targets = tensors();
    if (!sources.keySet().equals(targets.keySet())) {
      throw new IllegalArgumentException(
          "Cannot copy LoRA weights between adapters of other shapes");
    }
    targets.forEach((key, target) -> target.set(new NDIndex("..."), sources.get(key)));
  }

  /**
   * A new adapter with the same settings and a copy of these weights, in a sub-manager of {@code
   * parent}; it is not attached anywhere.
   */
  public LoraAdapter snapshot(NDManager parent) {
    NDManager own = parent.newSubManager();
    LoraAdapter copy = new LoraAdapter(settings, own);
    for (LoraLayer layer : layers) {
      NDArray a = layer.aView().duplicate();
      NDArray b = layer.bView().duplicate();
      a.attach(own);
      b.attach(own);
      a.setRequiresGradient(true);
      b.setRequiresGradient(true);
      copy.layers.add(
          new LoraLayer(
              copy,
              layer.projection(),
              layer.ordinal(),
              a,
              b,
              settings.scale(),
              settings.dropout()));
    }
    copy.projectionShapes.putAll(projectionShapes);
    return copy;
  }

  /**
   * Sets this adapter's layers on {@code model}'s projections; closing the returned attachment
   * removes them. The model must have the projections (names and shapes) this adapter was made for
   * and no adapter on them.
   *
   * @throws IllegalStateException if this adapter is attached already or a projection has another
   *     adapter (two adapters cannot train on one model at once)
   * @throws IllegalArgumentException if the model lacks a projection or its shape differs
   */
  public Attachment attach(DecoderModel model) {
    requireNonNull(model, "model is null");
    if (attachedTo != null) {
      throw new IllegalStateException("Cannot attach a LoRA adapter twice: it is on " + attachedTo);
    }
    Map<String, Projection> byName = new LinkedHashMap<>();
    model.projections().forEach(projection -> byName.put(projection.name(), projection));
    for (LoraLayer layer : layers) {
      Projection projection = byName.get(layer.projection());
      if (projection == null) {
        throw new IllegalArgumentException(
            "Cannot attach LoRA to " + model + ": it has no projection " + layer.projection());
      }
      Shape shape = new Shape(projection.outFeatures(), projection.inFeatures());
      if (!shape.equals(projectionShapes.get(layer.projection()))) {
        throw new IllegalArgumentException(
            String.format(
                "Cannot attach LoRA to %s: projection %s has shape %s, the adapter was made for %s",
                model, layer.projection(), shape, projectionShapes.get(layer.projection())));
      }
      if (projection.adapter().isPresent()) {
        throw new IllegalStateException(
            "Cannot attach LoRA to "
                + model
                + ": projection "
                + projection.name()
                + " already has an adapter (detach the other adapter first)");
      }
    }
    for (LoraLayer layer : layers) {
      byName.get(layer.projection()).setAdapter(layer);
    }
    attachedTo = model;
    return new Attachment(model, byName);
  }

  /** Whether forward passes use autograd-tracked weights and dropout. Default false. */
  public boolean isTraining() {
    return training;
  }

  /** Switches between training (tracked weights, dropout) and inference (detached, no dropout). */
  public void setTraining(boolean training) {
    this.training = training;
  }

  /** The key of the current forward pass's dropout masks. */
  public long dropoutKey() {
    return dropoutKey;
  }

  /**
   * Sets the key the next training forward passes draw dropout masks from; each layer's mask is
   * {@link CounterRandom} keyed by {@code (dropoutKey, ordinal)}.
   */
  public void setDropoutKey(long dropoutKey) {
    this.dropoutKey = dropoutKey;
  }

  /** Frees A, B and everything else attached to this adapter's manager. */
  @Override
  public void close() {
    layers.forEach(LoraLayer::close);
    manager.close();
  }

  @Override
  public String toString() {
    return String.format(
        "LoraAdapter[rank %d, alpha %s, %d layers, %d parameters]",
        settings.rank(), settings.alpha(), layers.size(), parameterCount());
  }

  /** This adapter set on a model; {@link #close()} removes it and leaves the model as it was. */
  public final class Attachment implements AutoCloseable {
    private final DecoderModel model;
    private final Map<String, Projection> projections;
    private boolean closed;

    private Attachment(DecoderModel model, Map<String, Projection> projections) {
      this.model = model;
      this.projections = projections;
    }

    /** The model the adapter is on. */
    public DecoderModel model() {
      return model;
    }

    /** Removes the adapter's layers from the model's projections; idempotent. */
    @Override
    public void close() {
      if (closed) {
        return;
      }
      closed = true;
      for (LoraLayer layer : layers) {
        Projection projection = projections.get(layer.projection());
        if (projection.adapter().orElse(null) == layer) {
          projection.setAdapter(null);
        }
      }
      attachedTo = null;
    }
  }
}
