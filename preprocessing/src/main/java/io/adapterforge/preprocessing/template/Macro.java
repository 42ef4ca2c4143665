package io.adapterforge.preprocessing.template;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * A macro defined by {@code {% macro %}} (or the {@code caller} of a call block), bound to the
 * scope it was defined in. Calling it renders its body in a new scope and returns the text. The
 * argument binding follows jinja2's {@code Macro.__call__}, error messages included.
 */
final class Macro implements PyCallable {
  /** The parsed, immutable part of a macro. */
  record Definition(
      String name,
      List<String> parameters,
      List<Expr> defaults,
      List<Stmt> body,
      boolean catchKwargs,
      boolean catchVarargs,
      boolean usesCaller,
      Frame frame) {}

  private final Definition definition;
  private final Scope closure;

  Macro(Definition definition, Scope closure) {
    this.definition = definition;
    this.closure = closure;
  }

  String name() {
    return definition.name();
  }

  Definition definition() {
    return definition;
  }

  @Override
  public Object call(Renderer r, Args args) {
    List<String> parameters = definition.parameters();
    List<Object> positional = args.positional();
    LinkedHashMap<String, Object> keywords = new LinkedHashMap<>(args.keywords());
    Scope scope = definition.frame().enter(closure);

    Object[] values = new Object[parameters.size()];
    for (int i = 0; i < parameters.size(); i++) {
      if (i < positional.size()) {
        values[i] = positional.get(i);
      } else {
        values[i] = keywords.remove(parameters.get(i));
      }
    }
    if (definition.usesCaller() && !parameters.contains("caller")) {
      Object caller = keywords.remove("caller");
      scope.set(
          "caller", caller == null ? Undefined.withHint("No caller defined", "caller") : caller);
    }
    if (definition.catchKwargs()) {
      PyDict extra = new PyDict();
      keywords.forEach(extra::put);
      scope.set("kwargs", extra);
    } else if (!keywords.isEmpty()) {
      String first = keywords.keySet().iterator().next();
      if (keywords.containsKey("caller")) {
        throw PyException.typeError(
            "macro '"
                + definition.name()
                + "' was invoked with two values for the special 'caller' argument. This is"
                + " most likely a bug.");
      }
      throw PyException.typeError(
          "macro '" + definition.name() + "' takes no keyword argument '" + first + "'");
    }
    if (definition.catchVarargs()) {
      List<Object> extra =
          positional.size() > parameters.size()
              ? new ArrayList<>(positional.subList(parameters.size(), positional.size()))
              : new ArrayList<>();
      scope.set("varargs", PyList.tuple(extra));
    } else if (positional.size() > parameters.size()) {
      throw PyException.typeError(
          "macro '"
              + definition.name()
              + "' takes not more than "
              + parameters.size()
              + " argument(s)");
    }

    r.enterCall();
    try {
      // Given arguments are bound first; then the defaults of the others, in order, so that a
      // default may refer to any given parameter and to the parameters before it.
      for (int i = 0; i < parameters.size(); i++) {
        if (values[i] != null) {
          scope.set(parameters.get(i), values[i]);
        }
      }
      int firstDefault = parameters.size() - definition.defaults().size();
      for (int i = 0; i < parameters.size(); i++) {
        if (values[i] == null) {
          Object value =
              i >= firstDefault
                  ? definition.defaults().get(i - firstDefault).eval(r, scope)
                  : Undefined.withHint(
                      "parameter '" + parameters.get(i) + "' was not provided", parameters.get(i));
          scope.set(parameters.get(i), value);
        }
      }
      return Stmt.capture(definition.body(), r, scope);
    } finally {
      r.exitCall();
    }
  }
}
