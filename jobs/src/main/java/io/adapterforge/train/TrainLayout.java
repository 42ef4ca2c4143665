package io.adapterforge.train;

import java.nio.file.Path;

/**
 * Where the train job writes under its (local) output folder:
 *
 * <pre>
 * &lt;output&gt;/adapters/&lt;id&gt;/                     PEFT folder + metrics.json (atomic)
 * &lt;output&gt;/train_results.parquet/              one row per adapter
 * &lt;output&gt;/_train/&lt;run_id&gt;/checkpoints/&lt;id&gt;/   resumable training state
 * &lt;output&gt;/_train/&lt;run_id&gt;/done/&lt;id&gt;.json       finished marker (the result row)
 * &lt;output&gt;/_train/&lt;run_id&gt;/progress/&lt;id&gt;.json   latest step, for the driver's log
 * &lt;output&gt;/_train/&lt;run_id&gt;/attempts/&lt;id&gt;        how often training it started
 * </pre>
 */
public final class TrainLayout {
  /** Adapter folders. */
  public static final String ADAPTERS_DIR = "adapters";

  /** The results table. */
  public static final String RESULTS = "train_results.parquet";

  private TrainLayout() {}

  /** The PEFT folder of {@code adapterId}. */
  public static Path adapter(Path output, String adapterId) {
    return output.resolve(ADAPTERS_DIR).resolve(adapterId);
  }

  /** The run's state folder. */
  public static Path run(Path output, String runId) {
    return output.resolve("_train").resolve(runId);
  }

  /** The checkpoint folder of one adapter in one run. */
  public static Path checkpoints(Path output, String runId, String adapterId) {
    return run(output, runId).resolve("checkpoints").resolve(adapterId);
  }

  /** The finished marker of one adapter in one run. */
  public static Path done(Path output, String runId, String adapterId) {
    return run(output, runId).resolve("done").resolve(adapterId + ".json");
  }

  /** The counter of training starts of one adapter in one run. */
  public static Path attempts(Path output, String runId, String adapterId) {
    return run(output, runId).resolve("attempts").resolve(adapterId);
  }

  /** The progress folder of one run. */
  public static Path progress(Path output, String runId) {
    return run(output, runId).resolve("progress");
  }
}
