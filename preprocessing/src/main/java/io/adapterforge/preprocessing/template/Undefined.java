package io.adapterforge.preprocessing.template;

/**
 * jinja2's default {@code Undefined}: what a missing variable, key, attribute or index evaluates
 * to. It prints as the empty string, is false, is empty when iterated and has length 0; any other
 * use (attribute access, arithmetic, calling it, comparing it with {@code <}) raises an error whose
 * message says how the value came to be undefined, in jinja2's words.
 */
final class Undefined {
  /** Marks "no object": the undefined value came from a plain name lookup. */
  private static final Object NO_OBJECT = new Object();

  private final String hint;
  private final Object obj;
  private final Object name;
  private final String errorType;

  private Undefined(String hint, Object obj, Object name, String errorType) {
    this.hint = hint;
    this.obj = obj;
    this.name = name;
    this.errorType = errorType;
  }

  /** A variable that is not defined. */
  static Undefined named(String name) {
    return new Undefined(null, NO_OBJECT, name, "UndefinedError");
  }

  /** A key, attribute or index that {@code obj} does not have. */
  static Undefined missing(Object obj, Object name) {
    return new Undefined(null, obj, name, "UndefinedError");
  }

  /** An undefined value with a custom explanation, e.g. "there is no next item". */
  static Undefined withHint(String hint, String name) {
    return new Undefined(hint, NO_OBJECT, name, "UndefinedError");
  }

  /**
   * An attribute the sandbox refuses (private, dunder, or a method that would mutate a value).
   * Printing it gives the empty string, as in jinja2; using it raises a {@code SecurityError}.
   */
  static Undefined unsafe(Object obj, String attribute) {
    String hint =
        "access to attribute '"
            + attribute
            + "' of '"
            + PyOps.typeName(obj)
            + "' object is unsafe.";
    return new Undefined(hint, obj, attribute, "SecurityError");
  }

  String message() {
    if (hint != null && !hint.isEmpty()) {
      return hint;
    }
    if (obj == NO_OBJECT) {
      return PyOps.repr(name == null ? PyNone.NONE : name) + " is undefined";
    }
    if (!(name instanceof String)) {
      return PyOps.objectTypeRepr(obj) + " has no element " + PyOps.repr(name);
    }
    return PyOps.repr(PyOps.objectTypeRepr(obj)) + " has no attribute " + PyOps.repr(name);
  }

  /** The error jinja2 raises when this value is used beyond printing, testing or iterating. */
  PyException error() {
    return new PyException(errorType, message());
  }
}
