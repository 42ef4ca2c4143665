package io.adapterforge.preprocessing.template;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The arguments of one call, positional and keyword, bound to parameters the Python way. */
final class Args {
  /** Marks a parameter without a default in {@link #bind}. */
  static final Object REQUIRED = new Object();

  static final Args EMPTY = new Args(List.of(), new LinkedHashMap<>());

  private final List<Object> positional;
  private final LinkedHashMap<String, Object> keywords;

  Args(List<Object> positional, LinkedHashMap<String, Object> keywords) {
    this.positional = positional;
    this.keywords = keywords;
  }

  List<Object> positional() {
    return positional;
  }

  LinkedHashMap<String, Object> keywords() {
    return keywords;
  }

  boolean isEmpty() {
    return positional.isEmpty() && keywords.isEmpty();
  }

  /** A copy without the first {@code n} positional arguments. */
  Args dropPositional(int n) {
    return new Args(
        new ArrayList<>(positional.subList(Math.min(n, positional.size()), positional.size())),
        keywords);
  }

  /**
   * Binds the arguments to named parameters like a Python function signature would: positional
   * first, then keywords, then the defaults ({@link #REQUIRED} for none).
   */
  Object[] bind(String function, String[] names, Object[] defaults) {
    if (positional.size() > names.length) {
      throw PyException.typeError(
          function
              + "() takes at most "
              + names.length
              + " argument"
              + (names.length == 1 ? "" : "s")
              + " ("
              + positional.size()
              + " given)");
    }
    Object[] bound = new Object[names.length];
    for (int i = 0; i < positional.size(); i++) {
      bound[i] = positional.get(i);
    }
    for (Map.Entry<String, Object> keyword : keywords.entrySet()) {
      int index = Arrays.asList(names).indexOf(keyword.getKey());
      if (index < 0) {
        throw PyException.typeError(
            function + "() got an unexpected keyword argument '" + keyword.getKey() + "'");
      }
      if (bound[index] != null) {
        throw PyException.typeError(
            function + "() got multiple values for argument '" + keyword.getKey() + "'");
      }
      bound[index] = keyword.getValue();
    }
    for (int i = 0; i < names.length; i++) {
      if (bound[i] == null) {
        if (defaults[i] == REQUIRED) {
          throw PyException.typeError(function + "() missing required argument '" + names[i] + "'");
        }
        bound[i] = defaults[i];
      }
    }
    return bound;
  }

  /** Fails unless the call has no arguments at all. */
  void expectNone(String function) {
    if (!isEmpty()) {
      throw PyException.typeError(function + "() takes no arguments");
    }
  }
}
