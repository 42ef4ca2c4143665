package io.adapterforge.airflow;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.time.Duration;

/**
 * How to reach Airflow's REST API: the typed settings behind {@code adapterforge airflow}, filled
 * from its options ({@code --url}, {@code --api-version}, {@code --user}, {@code --password} or
 * {@code AIRFLOW_USER}/{@code AIRFLOW_PASSWORD}, {@code --timeout}, {@code --retries}, {@code
 * --retry-backoff}). Named {@code airflow.*} in messages. Validated on construction; immutable and
 * thread-safe. {@link #toString()} never shows the password.
 *
 * @param url the Airflow web server or API server, e.g. {@code http://127.0.0.1:8080} (default); a
 *     path prefix ({@code https://host/airflow}) is kept
 * @param apiVersion 3 (default) for Airflow 3: {@code /api/v2} with a token from {@code POST
 *     /auth/token}; 2 for Airflow 2: {@code /api/v1} with HTTP basic auth
 * @param user the Airflow user
 * @param password that user's password
 * @param timeout how long one request may take, connecting included (default 30 s)
 * @param retries how many times a request is sent again after a 5xx answer, a timeout or a dropped
 *     connection (default 3, so at most 4 attempts)
 * @param retryBackoff the wait before the first retry; each later retry waits twice as long as the
 *     one before, at most {@link #MAX_BACKOFF} (default 1 s)
 */
public record AirflowSettings(
    URI url,
    int apiVersion,
    String user,
    String password,
    Duration timeout,
    int retries,
    Duration retryBackoff) {
  public static final URI DEFAULT_URL = URI.create("http://127.0.0.1:8080");
  public static final int DEFAULT_API_VERSION = 3;
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
  public static final int DEFAULT_RETRIES = 3;
  public static final Duration DEFAULT_RETRY_BACKOFF = Duration.ofSeconds(1);

  /** The longest wait between two attempts, however many retries there are. */
  public static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

  public AirflowSettings {
    requireNonNull(url, "url is null");
    requireNonNull(user, "user is null");
    requireNonNull(password, "password is null");
    requireNonNull(timeout, "timeout is null");
    requireNonNull(retryBackoff, "retryBackoff is null");
    String scheme = url.getScheme();
    if (scheme == null
        || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
        || url.getHost() == null) {
      throw new IllegalArgumentException(
          "Cannot use airflow.url (--url) '"
              + url
              + "': must be an http:// or https:// URL with a host, e.g. "
              + DEFAULT_URL);
    }
    if (url.getQuery() != null || url.getFragment() != null) {
      throw new IllegalArgumentException(
          "Cannot use airflow.url (--url) '" + url + "': must have no query or fragment");
    }
    if (apiVersion != 2 && apiVersion != 3) {
      throw new IllegalArgumentException(
          "Cannot use airflow.api-version (--api-version) "
              + apiVersion
              + ": must be 3 (Airflow 3, /api/v2, token auth) or 2 (Airflow 2, /api/v1, basic auth)");
    }
    if (user.isBlank()) {
      throw new IllegalArgumentException(
          "Cannot use an empty airflow.user: pass --user or set AIRFLOW_USER");
    }
    if (password.isEmpty()) {
      throw new IllegalArgumentException(
          "Cannot use an empty airflow.password: pass --password or set AIRFLOW_PASSWORD");
    }
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException(
          "Cannot use airflow.timeout (--timeout) " + timeout + ": must be positive");
    }
    if (retries < 0) {
      throw new IllegalArgumentException(
          "Cannot use airflow.retries (--retries) " + retries + ": must be 0 or more");
    }
    if (retryBackoff.isNegative()) {
      throw new IllegalArgumentException(
          "Cannot use airflow.retry-backoff (--retry-backoff) "
              + retryBackoff
              + ": must be 0 or more");
    }
    // One canonical form, so that URLs are built by plain concatenation.
    String text = url.toString();
    while (text.endsWith("/")) {
      text = text.substring(0, text.length() - 1);
    }
    url = URI.create(text);
  }

  /** The defaults for everything but the credentials. */
  public static AirflowSettings withDefaults(String user, String password) {
    return new AirflowSettings(
        DEFAULT_URL,
        DEFAULT_API_VERSION,
        user,
        password,
        DEFAULT_TIMEOUT,
        DEFAULT_RETRIES,
        DEFAULT_RETRY_BACKOFF);
  }

  /**
   * The REST API's root: {@code <url>/api/v2} for Airflow 3, {@code <url>/api/v1} for Airflow 2.
   */
  public URI apiRoot() {
    return URI.create(url + (apiVersion == 3 ? "/api/v2" : "/api/v1"));
  }

  /** Airflow 3's token endpoint, {@code <url>/auth/token}. */
  public URI tokenUri() {
    return URI.create(url + "/auth/token");
  }

  /** The wait before retry number {@code retry} (1 for the first): doubling, capped. */
  public Duration backoffBefore(int retry) {
    if (retry < 1) {
      throw new IllegalArgumentException("Cannot compute the backoff of retry " + retry);
    }
    Duration wait = retryBackoff;
    for (int i = 1; i < retry && wait.compareTo(MAX_BACKOFF) < 0; i++) {
      wait = wait.multipliedBy(2);
    }
    return wait.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : wait;
  }

  @Override
  public String toString() {
    return "AirflowSettings[url="
        + url
        + ", apiVersion="
        + apiVersion
        + ", user="
        + user
        + ", password=****, timeout="
        + timeout
        + ", retries="
        + retries
        + ", retryBackoff="
        + retryBackoff
        + "]";
  }
}
