package io.adapterforge.evaluation.router;

/**
 * The router could not be trained, saved, loaded or applied: its input lacks a column, names an
 * adapter {@code base}, or its storage path cannot be read or written. The message names the path
 * or the column and why.
 */
public final class RouterException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public RouterException(String message) {
    super(message);
  }

  public RouterException(String message, Throwable cause) {
    super(message, cause);
  }
}
