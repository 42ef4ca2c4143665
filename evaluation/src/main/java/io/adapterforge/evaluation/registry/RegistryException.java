package io.adapterforge.evaluation.registry;

/**
 * A registry operation failed: the database or the artifact store could not be reached, a request
 * was invalid, or what was asked for does not exist. The message names the adapter, the version and
 * the registry URL (never its password).
 */
public final class RegistryException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public RegistryException(String message) {
    super(message);
  }

  public RegistryException(String message, Throwable cause) {
    super(message, cause);
  }
}
