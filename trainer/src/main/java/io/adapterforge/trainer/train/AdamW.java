package io.adapterforge.trainer.train;

import static java.util.Objects.requireNonNull;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import io.adapterforge.trainer.ModelLoadException;
import io.adapterforge.trainer.lora.TrainableParameter;
import io.adapterforge.trainer.safetensors.TensorInfo;
import io.adapterforge.trainer.safetensors.TensorReader;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * AdamW with decoupled weight decay, step for step as PyTorch's {@code torch.optim.AdamW}
 * (non-AMSGrad) computes it, for parameter {@code p} with gradient {@code g} at update {@code t}
 * (1-based):
 *
 * <pre>
 * p ← p·(1 − lr·weight_decay)
 * m ← β1·m + (1 − β1)·g
 * v ← β2·v + (1 − β2)·g²
 * p ← p − (lr / (1 − β1^t)) · m / (√v / √(1 − β2^t) + ε)
 * </pre>
 *
 * Moments are float32 arrays in a sub-manager of the first parameter's manager, owned by this
 * optimizer; updates are written in place into the parameters' memory through detached views, so
 * they build no autograd graph. Gradients are read from the parameters ({@link
 * NDArray#getGradient}) and, as PyTorch accumulates them over backward passes, {@link
 * #zeroGradients()} clears them before an update's first backward pass.
 *
 * <p>Not thread-safe: one training loop owns it.
 */
public final class AdamW implements AutoCloseable {
  private final List<TrainableParameter> parameters;
  private final List<NDArray> values = new ArrayList<>();
  private final List<NDArray> firstMoments = new ArrayList<>();
  private final List<NDArray> secondMoments = new ArrayList<>();
  private final NDManager manager;
  private final double beta1;
  private final double beta2;
  private final double epsilon;
  private final double weightDecay;
  private long stepCount;

  /**
   * @param parameters the arrays to optimize, each with {@code requiresGradient}; not empty
   */
  public AdamW(
      List<TrainableParameter> parameters,
      double beta1,
      double beta2,
      double epsilon,
      double weightDecay) {
    requireNonNull(parameters, "parameters is null");
    if (parameters.isEmpty()) {
      throw new IllegalArgumentException("Cannot optimize an empty list of parameters");
    }
    this.parameters = List.copyOf(parameters);
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.epsilon = epsilon;
    this.weightDecay = weightDecay;
    this.manager = parameters.get(0).array().getManager().newSubManager();
    for (TrainableParameter parameter : parameters) {
      NDArray array = parameter.array();
      if (!array.hasGradient()) {
        throw new IllegalArgumentException(
            "Cannot optimize " + parameter.name() + ": it does not require a gradient");
      }
      NDArray view = array.stopGradient();
      view.attach(manager);
      values.add(view);
      firstMoments.add(manager.zeros(array.getShape(), DataType.FLOAT32));
      secondMoments.add(manager.zeros(array.getShape(), DataType.FLOAT32));
    }
  }

  /** The parameters, in the order given. */
  public List<TrainableParameter> parameters() {
    return parameters;
  }

  /** Updates done so far ({@code t} of the last update). */
  public long stepCount() {
    return stepCount;
  }

  /** Sets every parameter's accumulated gradient to zero. */
  public void zeroGradients() {
    for (TrainableParameter parameter : parameters) {
      try (NDArray gradient = parameter.array().getGradient()) {
        gradient.set(new NDIndex("..."), 0f);
      }
    }
  }

  /** One update with the parameters' current gradients and learning rate {@code learningRate}. */
  public void step(double learningRate) {
    stepCount++;
    double biasCorrection1 = 1 - Math.pow(beta1, stepCount);
    double biasCorrection2 = 1 - Math.pow(beta2, stepCount);
    float stepSize = (float) (learningRate / biasCorrection1);
    float biasCorrection2Sqrt = (float) Math.sqrt(biasCorrection2);
    float decay = (float) (1 - learningRate * weightDecay);
    for (int i = 0; i < parameters.size(); i++) {
      NDArray value = values.get(i);
      NDArray m = firstMoments.get(i);
      NDArray v = secondMoments.get(i);
      try (NDManager scratch = manager.newSubManager()) {
        NDArray gradient = parameters.get(i).array().getGradient();
        gradient.attach(scratch);
        if (weightDecay != 0) {
          value.muli(decay);
        }
        // Scalars are rounded to float once, from double, as PyTorch passes Python floats.
        NDArray scaledGradient = gradient.mul((float) (1 - beta1));
        scaledGradient.attach(scratch);
        m.muli((float) beta1).addi(scaledGradient);
        NDArray squared = gradient.mul(gradient);
        squared.attach(scratch);
        v.muli((float) beta2).addi(squared.muli((float) (1 - beta2)));
        NDArray denominator = v.sqrt();
        denominator.attach(scratch);
        denominator.divi(biasCorrection2Sqrt).addi((float) epsilon);
        NDArray update = m.div(denominator);
        update.attach(scratch);
        value.subi(update.muli(stepSize));
      }
    }
  }

  /**
   * The moments by name, {@code <parameter>.exp_avg} and {@code <parameter>.exp_avg_sq}, sorted:
   * for checkpoints. The arrays are the live state; do not modify them.
   */
  public SortedMap<String, NDArray> state() {
    SortedMap<String, NDArray> state = new TreeMap<>();
    for (int i = 0; i < parameters.size(); i++) {
      String name = parameters.get(i).name();
      state.put(name + ".exp_avg", firstMoments.get(i));
      state.put(name + ".exp_avg_sq", secondMoments.get(i));
    }
    return Collections.unmodifiableSortedMap(state);
  }

  /**
   * Restores the moments (as {@link #state()} names them) and the update count of an optimizer over
   * the same parameters.
   *
   * @throws ModelLoadException naming the file and tensor that is missing or misshapen
   */
  public void load(TensorReader reader, long stepCount) {
    requireNonNull(reader, "reader is null");
    if (stepCount < 0) {
      throw new IllegalArgumentException("Cannot restore step count " + stepCount);
    }
    SortedMap<String, NDArray> state = state();
    for (String name : state.keySet()) {
      TensorInfo info =
          reader
              .info(name)
              .orElseThrow(
                  () ->
                      new ModelLoadException(
                          "Cannot restore AdamW: tensor '"
                              + name
                              + "' is missing from "
                              + reader.locationOf(name)));
      if (!info.shape().equals(state.get(name).getShape())) {
        throw new ModelLoadException(
            String.format(
                "Cannot restore AdamW: tensor '%s' in %s has shape %s, the parameter has %s",
                name, reader.locationOf(name), info.shape(), state.get(name).getShape()));
      }
    }
    try (NDManager scratch = manager.newSubManager()) {
      for (Map.Entry<String, NDArray> entry : state.entrySet()) {
        entry
            .getValue()
            .set(new NDIndex("..."), reader.read(entry.getKey(), scratch, DataType.FLOAT32));
      }
    }
    this.stepCount = stepCount;
  }

  /** Frees the moments (not the parameters). */
  @Override
  public void close() {
    manager.close();
  }
}
