package io.adapterforge.config;

/**
 * A configuration key is unknown or its value breaks a rule. The message names the key, the value
 * and the rule; the CLI maps this exception to exit code 2.
 */
public class InvalidConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String key;

  public InvalidConfigException(String key, String message) {
    super(message);
    this.key = key;
  }

  /** The offending key, e.g. {@code train.lora.rank}. */
  public String key() {
    return key;
  }

  /** Checks a rule on a config value; the message format follows the project's convention. */
  public static void check(boolean valid, String key, Object value, String rule) {
    if (!valid) {
      throw new InvalidConfigException(
          key, String.format("Cannot use %s %s: %s", key, value, rule));
    }
  }
}
