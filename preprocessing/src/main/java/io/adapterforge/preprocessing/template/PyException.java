package io.adapterforge.preprocessing.template;

/**
 * A Python-level exception raised while rendering (a {@code TypeError}, jinja2's {@code
 * UndefinedError}, …). Internal: {@link ChatTemplate} turns it into a {@link TemplateException}
 * once the innermost template line is known. No stack trace: these are expected outcomes of bad
 * conversations, raised often, and the Java frames say nothing about the template.
 */
final class PyException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String type;
  private int line;

  PyException(String type, String message) {
    super(message, null, false, false);
    this.type = type;
  }

  static PyException typeError(String message) {
    return new PyException("TypeError", message);
  }

  static PyException valueError(String message) {
    return new PyException("ValueError", message);
  }

  static PyException limit(String message) {
    return new PyException("LimitExceeded", message);
  }

  static PyException runtime(String message) {
    return new PyException("TemplateRuntimeError", message);
  }

  String type() {
    return type;
  }

  int line() {
    return line;
  }

  /** Records the template line, keeping the innermost one already recorded. */
  PyException atLine(int templateLine) {
    if (line == 0) {
      line = templateLine;
    }
    return this;
  }

  TemplateException toTemplateException() {
    TemplateException.Kind kind;
    switch (type) {
      case "TemplateError":
        kind = TemplateException.Kind.RAISED;
        break;
      case "LimitExceeded":
        kind = TemplateException.Kind.LIMIT;
        break;
      default:
        kind = TemplateException.Kind.RENDER;
    }
    return new TemplateException(kind, type, getMessage(), line);
  }
}
