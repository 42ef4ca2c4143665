package io.adapterforge.airflow;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Polls one DAG run until it finishes, reporting every task instance whose state changed since the
 * last poll (and every instance the first time it is seen). Each poll reads the run, then its task
 * instances, so the last report shows the tasks as they were when the run finished.
 *
 * <p>Not thread-safe: one watcher watches one run at a time. Request failures are retried by the
 * {@link AirflowClient}; one that still fails ends the watch with its {@link AirflowException}.
 */
public final class DagRunWatcher {
  private final AirflowClient client;
  private final Duration pollInterval;
  private final Clock clock;

  /**
   * @param pollInterval the wait between two polls; positive
   * @param clock the source of {@link TaskStateChange#time()}
   */
  public DagRunWatcher(AirflowClient client, Duration pollInterval, Clock clock) {
    this.client = requireNonNull(client, "client is null");
    this.pollInterval = requireNonNull(pollInterval, "pollInterval is null");
    this.clock = requireNonNull(clock, "clock is null");
    if (pollInterval.isNegative() || pollInterval.isZero()) {
      throw new IllegalArgumentException(
          "Cannot use poll interval " + pollInterval + ": must be positive");
    }
  }

  /**
   * Blocks until run {@code runId} of {@code dagId} is {@code success} or {@code failed}, calling
   * {@code listener} on this thread for each task state change, in Airflow's task order.
   *
   * @return the finished run
   * @throws AirflowException when a request fails after its retries, or the thread is interrupted
   */
  public DagRun watch(String dagId, String runId, Consumer<TaskStateChange> listener) {
    requireNonNull(listener, "listener is null");
    Map<String, String> shown = new HashMap<>();
    while (true) {
      DagRun run = client.getDagRun(dagId, runId);
      List<TaskInstance> tasks = client.listTaskInstances(dagId, runId);
      for (TaskInstance task : tasks) {
        String state = task.displayState();
        String before = shown.put(task.displayName(), state);
        if (!state.equals(before)) {
          listener.accept(new TaskStateChange(clock.instant(), task, Optional.ofNullable(before)));
        }
      }
      if (run.isFinished()) {
        return run;
      }
      try {
        Thread.sleep(pollInterval.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AirflowException(
            "Interrupted while waiting for run '" + runId + "' of DAG '" + dagId + "'",
            -1,
            client.settings().apiRoot(),
            e);
      }
    }
  }
}
