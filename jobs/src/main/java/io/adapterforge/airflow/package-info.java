/**
 * A client for Apache Airflow's stable REST API, used to trigger and watch the nightly retraining
 * DAG ({@code airflow/dags/adapter_retraining.py}) from the {@code adapterforge airflow} command.
 *
 * <p>{@link io.adapterforge.airflow.AirflowClient} speaks Airflow 3 ({@code /api/v2}, a JWT from
 * {@code POST /auth/token}) and Airflow 2 ({@code /api/v1}, HTTP basic auth), retries 5xx answers,
 * timeouts and dropped connections with exponential backoff, and turns every other failure into an
 * {@link io.adapterforge.airflow.AirflowException} that names the request, the DAG or run and
 * Airflow's own explanation. {@link io.adapterforge.airflow.DagRunWatcher} polls a run until it
 * finishes and reports each task's state changes.
 */
package io.adapterforge.airflow;
