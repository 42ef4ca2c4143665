package io.adapterforge.airflow;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;

/**
 * A task instance seen in a new state while {@link DagRunWatcher} polled its run. Immutable.
 *
 * @param time when the watcher saw the new state
 * @param task the task instance, with its new state
 * @param previousState the state shown before ({@link TaskInstance#displayState()}), empty the
 *     first time the instance was seen
 */
public record TaskStateChange(Instant time, TaskInstance task, Optional<String> previousState) {
  public TaskStateChange {
    requireNonNull(time, "time is null");
    requireNonNull(task, "task is null");
    requireNonNull(previousState, "previousState is null");
  }
}
