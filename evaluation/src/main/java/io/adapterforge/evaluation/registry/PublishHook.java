package io.adapterforge.evaluation.registry;

import java.io.IOException;
import org.apache.hadoop.fs.Path;

/**
 * Called at the steps of {@link AdapterRegistry#publish}, so that tests can corrupt a staged file
 * or simulate a crash (by throwing an {@link Error}, which publish does not clean up after).
 */
interface PublishHook {
  PublishHook NONE = (step, location) -> {};

  /** The steps, in order. */
  enum Step {
    /** The artifact was copied to its staging folder ({@code location}), not yet verified. */
    STAGED,
    /** The staging folder was renamed to the version folder ({@code location}), not committed. */
    CLAIMED
  }

  void reached(Step step, Path location) throws IOException;
}
