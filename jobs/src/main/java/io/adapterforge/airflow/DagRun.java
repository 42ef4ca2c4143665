package io.adapterforge.airflow;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * One DAG run as Airflow reports it ({@code DAGRunResponse} in Airflow's OpenAPI: {@code dag_id},
 * {@code dag_run_id}, {@code state}, {@code logical_date}). Immutable.
 *
 * @param dagId the DAG
 * @param runId the run's id ({@code dag_run_id})
 * @param state {@code queued}, {@code running}, {@code success} or {@code failed}
 * @param logicalDate the run's logical date as Airflow wrote it, empty for runs without one
 */
public record DagRun(String dagId, String runId, String state, Optional<String> logicalDate) {
  /** The run state Airflow gives a run that finished well. */
  public static final String SUCCESS = "success";

  /** The run state Airflow gives a run that finished badly. */
  public static final String FAILED = "failed";

  public DagRun {
    requireNonNull(dagId, "dagId is null");
    requireNonNull(runId, "runId is null");
    requireNonNull(state, "state is null");
    requireNonNull(logicalDate, "logicalDate is null");
  }

  /** Whether the run has finished, well or badly: Airflow will not change its state any more. */
  public boolean isFinished() {
    return state.equals(SUCCESS) || state.equals(FAILED);
  }

  /** Whether the run finished well. */
  public boolean isSuccessful() {
    return state.equals(SUCCESS);
  }
}
