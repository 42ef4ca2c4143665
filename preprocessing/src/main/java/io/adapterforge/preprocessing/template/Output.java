package io.adapterforge.preprocessing.template;

/**
 * Rendered text of a template, macro or block, bounded by {@link TemplateLimits#maxOutputChars}.
 */
final class Output {
  private final StringBuilder text = new StringBuilder();
  private final int maxChars;

  Output(int maxChars) {
    this.maxChars = maxChars;
  }

  void append(String value) {
    if (text.length() + value.length() > maxChars) {
      throw PyException.limit(
          "the output would exceed " + maxChars + " characters (TemplateLimits.maxOutputChars)");
    }
    text.append(value);
  }

  @Override
  public String toString() {
    return text.toString();
  }
}
