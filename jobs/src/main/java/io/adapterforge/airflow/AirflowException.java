package io.adapterforge.airflow;

import java.net.URI;
import java.util.Optional;

/**
 * A request to Airflow that failed: refused credentials, a DAG or run that does not exist, a
 * duplicate run id, a rejected body, or a server that kept failing or timing out after every retry.
 * The message says what was asked (method and URL), of which DAG or run, and why (status and
 * Airflow's own {@code detail}/{@code title}); the password is never part of it.
 */
public final class AirflowException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final transient URI uri;

  AirflowException(String message, int status, URI uri) {
    super(message);
    this.status = status;
    this.uri = uri;
  }

  AirflowException(String message, int status, URI uri, Throwable cause) {
    super(message, cause);
    this.status = status;
    this.uri = uri;
  }

  /** The HTTP status of the last answer, or empty when none came (timeout, connection refused). */
  public Optional<Integer> status() {
    return status > 0 ? Optional.of(status) : Optional.empty();
  }

  /** The URL of the request that failed. */
  public URI uri() {
    return uri;
  }
}
