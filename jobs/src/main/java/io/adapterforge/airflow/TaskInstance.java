package io.adapterforge.airflow;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * One task instance of a DAG run ({@code TaskInstanceResponse} in Airflow's OpenAPI: {@code
 * task_id}, {@code map_index}, {@code state}, {@code try_number}). Immutable.
 *
 * @param taskId the task
 * @param mapIndex the index of a mapped task's instance, -1 for an unmapped task
 * @param state {@code queued}, {@code running}, {@code success}, {@code failed}, {@code
 *     up_for_retry}, …; empty while Airflow has not given the instance a state yet
 * @param tryNumber how many times Airflow has started the instance
 */
public record TaskInstance(String taskId, int mapIndex, Optional<String> state, int tryNumber) {
  public TaskInstance {
    requireNonNull(taskId, "taskId is null");
    requireNonNull(state, "state is null");
  }

  /** The task's name as shown to people: {@code train}, or {@code train[3]} for a mapped one. */
  public String displayName() {
    return mapIndex < 0 ? taskId : taskId + "[" + mapIndex + "]";
  }

  /** The state as shown to people: Airflow's state, or {@code none} while it has none. */
  public String displayState() {
    return state.orElse("none");
  }
}
