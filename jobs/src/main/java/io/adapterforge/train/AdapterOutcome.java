package io.adapterforge.train;

import static java.util.Objects.requireNonNull;

import java.io.Serializable;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * One adapter's row of {@code train_results.parquet}. Also stored as the adapter's finished marker
 * ({@code _train/<run_id>/done/<id>.json}), so a retried task returns it without retraining.
 *
 * @param adapterId the adapter id
 * @param status {@value #TRAINED} or {@value #FAILED}
 * @param reason why it failed; null when trained
 * @param steps optimizer updates done (including those before a resume)
 * @param epochs epochs done (fractional)
 * @param trainLoss the last update's training loss; NaN if none
 * @param validationLoss the best validation loss; null without validation rows
 * @param tokens tokens of every update of the run (including those before a resume)
 * @param tokensPerSecond tokens trained by this attempt over its wall time
 * @param wallSeconds this attempt's time on the adapter (reading rows, training, writing)
 * @param slot the slot that trained it
 * @param gpuAddress the GPU address Spark gave the task; null without GPU scheduling
 * @param device the device it trained on ({@code cpu()} when the GPU was not usable)
 * @param attempt how many times this run had started training the adapter before (0 = first)
 * @param resumedFromStep the checkpoint step this attempt resumed from; 0 for a fresh start
 * @param executorId the Spark executor that trained it
 * @param pid the executor JVM's process id
 * @param modelLoads base-model loads in that JVM when the adapter finished
 */
public record AdapterOutcome(
    String adapterId,
    String status,
    String reason,
    long steps,
    double epochs,
    double trainLoss,
    Double validationLoss,
    long tokens,
    double tokensPerSecond,
    double wallSeconds,
    int slot,
    String gpuAddress,
    String device,
    int attempt,
    long resumedFromStep,
    String executorId,
    long pid,
    int modelLoads)
    implements Serializable {
  /** Status of an adapter that trained and was written. */
  public static final String TRAINED = "trained";

  /** Status of an adapter that could not be trained; {@code reason} says why. */
  public static final String FAILED = "failed";

  public AdapterOutcome {
    requireNonNull(adapterId, "adapterId is null");
    requireNonNull(status, "status is null");
    if (!List.of(TRAINED, FAILED).contains(status)) {
      throw new IllegalArgumentException("Cannot use status " + status);
    }
  }

  /** Whether it was trained. */
  public boolean trained() {
    return TRAINED.equals(status);
  }

  /** The schema of {@code train_results.parquet}. */
  public static StructType schema() {
    return new StructType()
        .add("adapter_id", DataTypes.StringType, false)
        .add("status", DataTypes.StringType, false)
        .add("reason", DataTypes.StringType, true)
        .add("steps", DataTypes.LongType, false)
        .add("epochs", DataTypes.DoubleType, false)
        .add("train_loss", DataTypes.DoubleType, false)
        .add("validation_loss", DataTypes.DoubleType, true)
        .add("tokens", DataTypes.LongType, false)
        .add("tokens_per_second", DataTypes.DoubleType, false)
        .add("wall_seconds", DataTypes.DoubleType, false)
        .add("slot", DataTypes.IntegerType, false)
        .add("gpu_address", DataTypes.StringType, true)
        .add("device", DataTypes.StringType, true)
        .add("attempt", DataTypes.IntegerType, false)
        .add("resumed_from_step", DataTypes.LongType, false)
        .add("executor_id", DataTypes.StringType, true)
        .add("pid", DataTypes.LongType, false)
        .add("model_loads", DataTypes.IntegerType, false);
  }

  /** This outcome as a row of {@link #schema()}. */
  public Row toRow() {
    return RowFactory.create(
        adapterId,
        status,
        reason,
        steps,
        epochs,
        trainLoss,
        validationLoss,
        tokens,
        tokensPerSecond,
        wallSeconds,
        slot,
        gpuAddress,
        device,
        attempt,
        resumedFromStep,
        executorId,
        pid,
        modelLoads);
  }
}
