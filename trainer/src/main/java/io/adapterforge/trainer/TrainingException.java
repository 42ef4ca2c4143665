package io.adapterforge.trainer;

/**
 * A failure while computing with a model or writing what it produced (tensor files, adapters,
 * checkpoints). The message says what was being done and where.
 */
public class TrainingException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public TrainingException(String message) {
    super(message);
  }

  public TrainingException(String message, Throwable cause) {
    super(message, cause);
  }
}
