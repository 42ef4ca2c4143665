package io.adapterforge.preprocessing.template;

import java.util.HashMap;
import java.util.Map;

/** jinja2's built-in tests ({@code x is defined}, {@code x is string}, …), from jinja2 3.1.2. */
final class Tests {
  @FunctionalInterface
  interface Test {
    boolean test(Renderer r, Object value, Args args);
  }

  private static final Map<String, Test> TESTS = new HashMap<>();

  static {
    TESTS.put("odd", (r, v, a) -> noArgs(a, PyOps.eq(PyOps.mod(v, 2L, r), 1L)));
    TESTS.put("even", (r, v, a) -> noArgs(a, PyOps.eq(PyOps.mod(v, 2L, r), 0L)));
    TESTS.put(
        "divisibleby",
        (r, v, a) ->
            PyOps.eq(
                PyOps.mod(
                    v,
                    a.bind("test_divisibleby", new String[] {"num"}, new Object[] {Args.REQUIRED})[
                        0],
                    r),
                0L));
    TESTS.put("defined", (r, v, a) -> noArgs(a, !(v instanceof Undefined)));
    TESTS.put("undefined", (r, v, a) -> noArgs(a, v instanceof Undefined));
    TESTS.put("filter", (r, v, a) -> noArgs(a, v instanceof String && Filters.exists((String) v)));
    TESTS.put("test", (r, v, a) -> noArgs(a, v instanceof String && TESTS.containsKey(v)));
    TESTS.put("none", (r, v, a) -> noArgs(a, v == PyNone.NONE));
    TESTS.put("boolean", (r, v, a) -> noArgs(a, v instanceof Boolean));
    TESTS.put("false", (r, v, a) -> noArgs(a, Boolean.FALSE.equals(v)));
    TESTS.put("true", (r, v, a) -> noArgs(a, Boolean.TRUE.equals(v)));
    TESTS.put("integer", (r, v, a) -> noArgs(a, PyNumbers.isInt(v) && !(v instanceof Boolean)));
    TESTS.put("float", (r, v, a) -> noArgs(a, v instanceof Double));
    TESTS.put("lower", (r, v, a) -> noArgs(a, PyStrings.isLower(PyOps.str(v, r.maxChars()))));
    TESTS.put("upper", (r, v, a) -> noArgs(a, PyStrings.isUpper(PyOps.str(v, r.maxChars()))));
    TESTS.put("string", (r, v, a) -> noArgs(a, v instanceof String));
    TESTS.put("mapping", (r, v, a) -> noArgs(a, v instanceof PyDict));
    TESTS.put("number", (r, v, a) -> noArgs(a, PyNumbers.isNumber(v)));
    TESTS.put(
        "sequence",
        (r, v, a) ->
            noArgs(
                a,
                v instanceof String
                    || v instanceof PyDict
                    || v instanceof Undefined
                    || v instanceof PyList && ((PyList) v).isSubscriptable()));
    TESTS.put("iterable", (r, v, a) -> noArgs(a, PyOps.isIterable(v)));
    TESTS.put(
        "callable", (r, v, a) -> noArgs(a, v instanceof PyCallable || v instanceof Undefined));
    TESTS.put("sameas", (r, v, a) -> sameAs(v, one(a, "test_sameas", "other")));
    TESTS.put("escaped", (r, v, a) -> noArgs(a, false));
    TESTS.put("in", (r, v, a) -> PyOps.contains(one(a, "test_in", "seq"), v));
    Test eq = (r, v, a) -> PyOps.eq(v, one(a, "eq", "b"));
    Test ne = (r, v, a) -> !PyOps.eq(v, one(a, "ne", "b"));
    Test gt = (r, v, a) -> PyOps.compare(">", v, one(a, "gt", "b"));
    Test ge = (r, v, a) -> PyOps.compare(">=", v, one(a, "ge", "b"));
    Test lt = (r, v, a) -> PyOps.compare("<", v, one(a, "lt", "b"));
    Test le = (r, v, a) -> PyOps.compare("<=", v, one(a, "le", "b"));
    for (String name : new String[] {"==", "eq", "equalto"}) {
      TESTS.put(name, eq);
    }
    for (String name : new String[] {"!=", "ne"}) {
      TESTS.put(name, ne);
    }
    for (String name : new String[] {">", "gt", "greaterthan"}) {
      TESTS.put(name, gt);
    }
    for (String name : new String[] {">=", "ge"}) {
      TESTS.put(name, ge);
    }
    for (String name : new String[] {"<", "lt", "lessthan"}) {
      TESTS.put(name, lt);
    }
    for (String name : new String[] {"<=", "le"}) {
      TESTS.put(name, le);
    }
  }

  private Tests() {}

  static Test get(String name) {
    return TESTS.get(name);
  }

  /** Calls a test by name at run time, as {@code select('equalto', x)} does. */
  static boolean call(Renderer r, Object name, Object value, Args args) {
    Test test = name instanceof String ? TESTS.get(name) : null;
    if (test == null) {
      throw PyException.runtime("No test named " + PyOps.repr(name) + ".");
    }
    return test.test(r, value, args);
  }

  private static boolean noArgs(Args args, boolean result) {
    if (!args.isEmpty()) {
      throw PyException.typeError(
          "test takes 1 positional argument but " + (args.positional().size() + 1) + " were given");
    }
    return result;
  }

  private static Object one(Args args, String function, String name) {
    return args.bind(function, new String[] {name}, new Object[] {Args.REQUIRED})[0];
  }

  /** Python's {@code is}: singletons and small ints are shared, other values by reference. */
  private static boolean sameAs(Object a, Object b) {
    if (a instanceof Boolean || a == PyNone.NONE) {
      return a.equals(b);
    }
    if (a instanceof Long && b instanceof Long) {
      long x = (Long) a;
      return x == (Long) b && x >= -5 && x <= 256;
    }
    return a == b;
  }
}
