package io.adapterforge.preprocessing.template;

import static java.util.Objects.requireNonNull;

/**
 * A chat template could not be loaded, compiled or rendered.
 *
 * <p>{@link #detail()} is the message jinja2 would give for the same failure (for a template's own
 * {@code raise_exception(msg)} it is exactly {@code msg}); {@link #errorType()} names the Python
 * exception jinja2 would raise ({@code TemplateError}, {@code TemplateSyntaxError}, {@code
 * UndefinedError}, {@code TypeError}, …); {@link #line()} is the template line, or 0 when there is
 * none. {@link #getMessage()} combines them for logs.
 */
public final class TemplateException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** What went wrong, for callers that react differently to each. */
  public enum Kind {
    /** The template source is not valid Jinja (or uses a construct this engine lacks). */
    SYNTAX,
    /** Rendering failed in the template's own code: undefined values, type errors, … */
    RENDER,
    /** The template called {@code raise_exception(msg)}: it refuses the conversation. */
    RAISED,
    /** The template exceeded one of the {@link TemplateLimits}. */
    LIMIT,
    /** The template could not be found or read from a model folder. */
    LOAD
  }

  private final Kind kind;
  private final String errorType;
  private final String detail;
  private final int line;

  TemplateException(Kind kind, String errorType, String detail, int line, Throwable cause) {
    super(format(kind, errorType, detail, line), cause);
    this.kind = requireNonNull(kind, "kind is null");
    this.errorType = requireNonNull(errorType, "errorType is null");
    this.detail = requireNonNull(detail, "detail is null");
    this.line = line;
  }

  TemplateException(Kind kind, String errorType, String detail, int line) {
    this(kind, errorType, detail, line, null);
  }

  static TemplateException syntax(String detail, int line) {
    return new TemplateException(Kind.SYNTAX, "TemplateSyntaxError", detail, line);
  }

  static TemplateException load(String detail, Throwable cause) {
    return new TemplateException(Kind.LOAD, "TemplateNotFound", detail, 0, cause);
  }

  public Kind kind() {
    return kind;
  }

  /** The name of the Python exception jinja2 raises for the same failure. */
  public String errorType() {
    return errorType;
  }

  /** The failure in jinja2's words, without location. */
  public String detail() {
    return detail;
  }

  /** The 1-based template line the failure happened on, or 0 when unknown. */
  public int line() {
    return line;
  }

  private static String format(Kind kind, String errorType, String detail, int line) {
    String where = line > 0 ? " at line " + line : "";
    switch (kind) {
      case SYNTAX:
        return "Chat template syntax error" + where + ": " + detail;
      case RAISED:
        return "Chat template raised an error" + where + ": " + detail;
      case LIMIT:
        return "Chat template exceeded a limit" + where + ": " + detail;
      case LOAD:
        return "Cannot load chat template: " + detail;
      default:
        return "Chat template failed" + where + ": " + errorType + ": " + detail;
    }
  }
}
