package io.adapterforge.preprocessing.template;

import java.util.HashMap;
import java.util.Map;

/**
 * Variables visible at one point of a render. jinja2 gives each {@code for} iteration, macro call,
 * {@code with}, block {@code set} and {@code filter} block a scope of its own: assignments there
 * stay there, reads fall through to the enclosing scopes, the render's variables and finally the
 * globals — unless a scope starts with the name marked {@link #MISSING} (see {@link Frame}).
 * Belongs to one render; not thread-safe.
 */
final class Scope {
  /** Marks a name that is undefined in this scope until assigned, hiding outer values. */
  static final Object MISSING = new Object();

  private final Scope parent;
  private Map<String, Object> variables;

  Scope(Scope parent) {
    this.parent = parent;
  }

  Scope(Scope parent, Map<String, Object> variables) {
    this.parent = parent;
    this.variables = variables;
  }

  /**
   * The value of {@code name} here or in an enclosing scope, {@link #MISSING} where a scope hides
   * it, or Java {@code null}.
   */
  Object lookup(String name) {
    for (Scope scope = this; scope != null; scope = scope.parent) {
      if (scope.variables != null) {
        Object value = scope.variables.get(name);
        if (value != null) {
          return value;
        }
      }
    }
    return null;
  }

  void set(String name, Object value) {
    if (variables == null) {
      variables = new HashMap<>(8);
    }
    variables.put(name, value);
  }

  Scope child() {
    return new Scope(this);
  }
}
