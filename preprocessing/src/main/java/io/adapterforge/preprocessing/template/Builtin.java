package io.adapterforge.preprocessing.template;

/**
 * A callable implemented in Java: a global such as {@code range} or {@code raise_exception}, or a
 * method bound to a value such as {@code 'text'.startswith}. The set of these is fixed by this
 * package; a template cannot create new ones or reach any other Java method.
 */
final class Builtin implements PyCallable {
  @FunctionalInterface
  interface Impl {
    Object call(Renderer renderer, Args args);
  }

  private final String typeName;
  private final String repr;
  private final Impl impl;

  private Builtin(String typeName, String repr, Impl impl) {
    this.typeName = typeName;
    this.repr = repr;
    this.impl = impl;
  }

  /** A global that is a Python function, such as transformers' {@code raise_exception}. */
  static Builtin function(String name, Impl impl) {
    return new Builtin("function", "<function " + name + ">", impl);
  }

  /** A global that is a Python class, such as {@code range} or jinja2's {@code namespace}. */
  static Builtin type(String name, Impl impl) {
    return new Builtin("type", "<class '" + name + "'>", impl);
  }

  static Builtin method(Object receiver, String name, Impl impl) {
    return new Builtin(
        "builtin_function_or_method",
        "<built-in method " + name + " of " + PyOps.typeName(receiver) + " object>",
        impl);
  }

  /** Python's type name: {@code function}, {@code type} or {@code builtin_function_or_method}. */
  String typeName() {
    return typeName;
  }

  String repr() {
    return repr;
  }

  @Override
  public Object call(Renderer renderer, Args args) {
    return impl.call(renderer, args);
  }
}
