package io.adapterforge.trainer;

/**
 * A model folder, checkpoint, safetensors file or {@code config.json} cannot be read or is not
 * supported. The message names the file and, where there is one, the key or field and its value.
 */
public class ModelLoadException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ModelLoadException(String message) {
    super(message);
  }

  public ModelLoadException(String message, Throwable cause) {
    super(message, cause);
  }
}
