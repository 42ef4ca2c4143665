package io.adapterforge.preprocessing.template;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * Python semantics for the engine's values: truthiness, {@code str()} and {@code repr()}, equality
 * and ordering, {@code in}, {@code len()}, iteration, arithmetic, and jinja2's sandboxed attribute
 * and item lookup. Every operation dispatches on this package's own value types only, so a template
 * can never reach a Java method that is not listed here.
 */
final class PyOps {
  private PyOps() {}

  // ---------------------------------------------------------------- types

  /** Python's {@code type(value).__name__}. */
  static String typeName(Object value) {
    if (value instanceof String) {
      return "str";
    }
    if (value instanceof Boolean) {
      return "bool";
    }
    if (value instanceof Long || value instanceof BigInteger) {
      return "int";
    }
    if (value instanceof Double) {
      return "float";
    }
    if (value == PyNone.NONE) {
      return "NoneType";
    }
    if (value instanceof PyList) {
      return ((PyList) value).kind().typeName;
    }
    if (value instanceof PyDict) {
      return "dict";
    }
    if (value instanceof Undefined) {
      return "Undefined";
    }
    if (value instanceof Namespace) {
      return "Namespace";
    }
    if (value instanceof LoopContext) {
      return "LoopContext";
    }
    if (value instanceof Macro) {
      return "Macro";
    }
    if (value instanceof Builtin) {
      return ((Builtin) value).typeName();
    }
    if (value instanceof PyIteratorValue) {
      return ((PyIteratorValue) value).typeName();
    }
    if (value instanceof Cycler) {
      return "Cycler";
    }
    if (value instanceof Joiner) {
      return "Joiner";
    }
    if (value instanceof PySlice) {
      return "slice";
    }
    return "object";
  }

  /** jinja2's {@code object_type_repr}, used in undefined-value messages. */
  static String objectTypeRepr(Object value) {
    if (value == PyNone.NONE) {
      return "None";
    }
    if (value instanceof Namespace || value instanceof Cycler || value instanceof Joiner) {
      return "jinja2.utils." + typeName(value) + " object";
    }
    if (value instanceof Undefined || value instanceof LoopContext || value instanceof Macro) {
      return "jinja2.runtime." + typeName(value) + " object";
    }
    return typeName(value) + " object";
  }

  // ---------------------------------------------------------------- truth, str, repr

  static boolean truthy(Object value) {
    if (value instanceof Boolean) {
      return (Boolean) value;
    }
    if (value instanceof String) {
      return !((String) value).isEmpty();
    }
    if (value instanceof Long) {
      return (Long) value != 0;
    }
    if (value instanceof Double) {
      return (Double) value != 0.0;
    }
    if (value instanceof BigInteger) {
      return ((BigInteger) value).signum() != 0;
    }
    if (value == PyNone.NONE || value instanceof Undefined) {
      return false;
    }
    if (value instanceof PyList) {
      return ((PyList) value).size() > 0;
    }
    if (value instanceof PyDict) {
      return ((PyDict) value).size() > 0;
    }
    return true;
  }

  /** Python's {@code str(value)}; strings longer than {@code maxChars} raise a limit error. */
  static String str(Object value, int maxChars) {
    if (value instanceof String) {
      return (String) value;
    }
    if (value instanceof Undefined) {
      return "";
    }
    StringBuilder out = new StringBuilder();
    repr(value, out, maxChars);
    return out.toString();
  }

  static String repr(Object value) {
    StringBuilder out = new StringBuilder();
    repr(value, out, Integer.MAX_VALUE);
    return out.toString();
  }

  /** Appends Python's {@code repr(value)} (for strings) or {@code str(value)} (otherwise). */
  static void repr(Object value, StringBuilder out, int maxChars) {
    if (out.length() > maxChars) {
      throw PyException.limit(
          "a value of more than " + maxChars + " characters (TemplateLimits.maxOutputChars)");
    }
    if (value instanceof String) {
      PyStrings.repr((String) value, out);
    } else if (value instanceof Boolean) {
      out.append(((Boolean) value) ? "True" : "False");
    } else if (value instanceof Long || value instanceof BigInteger) {
      out.append(value);
    } else if (value instanceof Double) {
      out.append(PyNumbers.floatRepr((Double) value));
    } else if (value == PyNone.NONE) {
      out.append("None");
    } else if (value instanceof Undefined) {
      out.append("Undefined");
    } else if (value instanceof PyList) {
      reprList((PyList) value, out, maxChars);
    } else if (value instanceof PyDict) {
      reprDict((PyDict) value, out, maxChars);
    } else if (value instanceof Namespace) {
      out.append("<Namespace {");
      boolean first = true;
      for (Map.Entry<String, Object> e : ((Namespace) value).attributes().entrySet()) {
        if (!first) {
          out.append(", ");
        }
        first = false;
        PyStrings.repr(e.getKey(), out);
        out.append(": ");
        repr(e.getValue(), out, maxChars);
      }
      out.append("}>");
    } else if (value instanceof LoopContext) {
      LoopContext loop = (LoopContext) value;
      out.append("<LoopContext ").append(loop.index0() + 1).append('/').append(loop.length());
      out.append('>');
    } else if (value instanceof Macro) {
      out.append("<Macro ");
      String name = ((Macro) value).name();
      if (name == null) {
        out.append("anonymous");
      } else {
        PyStrings.repr(name, out);
      }
      out.append('>');
    } else if (value instanceof Builtin) {
      out.append(((Builtin) value).repr());
    } else if (value instanceof PySlice) {
      PySlice slice = (PySlice) value;
      out.append("slice(");
      repr(slice.start(), out, maxChars);
      out.append(", ");
      repr(slice.stop(), out, maxChars);
      out.append(", ");
      repr(slice.step(), out, maxChars);
      out.append(')');
    } else if (value instanceof PyIteratorValue) {
      out.append("<").append(typeName(value)).append(" object>");
    } else {
      out.append("<").append(objectTypeRepr(value)).append(">");
    }
  }

  private static void reprList(PyList list, StringBuilder out, int maxChars) {
    switch (list.kind()) {
      case RANGE:
        out.append(list.rangeRepr());
        return;
      case TUPLE:
        out.append('(');
        appendItems(list.items(), out, maxChars);
        if (list.size() == 1) {
          out.append(',');
        }
        out.append(')');
        return;
      case LIST:
        out.append('[');
        appendItems(list.items(), out, maxChars);
        out.append(']');
        return;
      default:
        out.append(list.kind().typeName).append("([");
        appendItems(list.items(), out, maxChars);
        out.append("])");
    }
  }

  private static void appendItems(List<Object> items, StringBuilder out, int maxChars) {
    for (int i = 0; i < items.size(); i++) {
      if (i > 0) {
        out.append(", ");
      }
      repr(items.get(i), out, maxChars);
    }
  }

  private static void reprDict(PyDict dict, StringBuilder out, int maxChars) {
    out.append('{');
    boolean first = true;
    for (Map.Entry<Object, Object> e : dict.entries()) {
      if (!first) {
        out.append(", ");
      }
      first = false;
      repr(e.getKey(), out, maxChars);
      out.append(": ");
      repr(e.getValue(), out, maxChars);
    }
    out.append('}');
  }

  // ---------------------------------------------------------------- equality and order

  /** Python's {@code a == b}. */
  static boolean eq(Object a, Object b) {
    if (a == b) {
      return !(a instanceof Double && Double.isNaN((Double) a));
    }
    if (PyNumbers.isNumber(a) && PyNumbers.isNumber(b)) {
      return PyNumbers.numericEquals(a, b);
    }
    if (a instanceof String && b instanceof String) {
      return a.equals(b);
    }
    if (a instanceof PyList && b instanceof PyList) {
      PyList x = (PyList) a;
      PyList y = (PyList) b;
      if (x.kind() != y.kind() || x.size() != y.size()) {
        return false;
      }
      for (int i = 0; i < x.size(); i++) {
        if (!eq(x.get(i), y.get(i))) {
          return false;
        }
      }
      return true;
    }
    if (a instanceof PyDict && b instanceof PyDict) {
      PyDict x = (PyDict) a;
      PyDict y = (PyDict) b;
      if (x.size() != y.size()) {
        return false;
      }
      for (Map.Entry<Object, Object> e : x.entries()) {
        Object other = y.get(e.getKey());
        if (other == null || !eq(e.getValue(), other)) {
          return false;
        }
      }
      return true;
    }
    if (a instanceof Undefined && b instanceof Undefined) {
      return true;
    }
    return false;
  }

  /**
   * Python's ordering operators ({@code op} is one of {@code < <= > >=}), raising a {@code
   * TypeError} for types Python cannot order and the undefined error for undefined operands.
   */
  static boolean compare(String op, Object a, Object b) {
    if (a instanceof Undefined) {
      throw ((Undefined) a).error();
    }
    if (b instanceof Undefined) {
      throw ((Undefined) b).error();
    }
    if (PyNumbers.isNumber(a) && PyNumbers.isNumber(b)) {
      if ((a instanceof Double && Double.isNaN((Double) a))
          || (b instanceof Double && Double.isNaN((Double) b))) {
        return false;
      }
      return holds(op, PyNumbers.compare(a, b));
    }
    if (a instanceof String && b instanceof String) {
      return holds(op, compareCodePoints((String) a, (String) b));
    }
    if (a instanceof PyList
        && b instanceof PyList
        && ((PyList) a).kind() == ((PyList) b).kind()
        && (((PyList) a).kind() == PyList.Kind.LIST || ((PyList) a).kind() == PyList.Kind.TUPLE)) {
      List<Object> x = ((PyList) a).items();
      List<Object> y = ((PyList) b).items();
      int n = Math.min(x.size(), y.size());
      for (int i = 0; i < n; i++) {
        if (!eq(x.get(i), y.get(i))) {
          return compare(op, x.get(i), y.get(i));
        }
      }
      return holds(op, Integer.compare(x.size(), y.size()));
    }
    throw PyException.typeError(
        "'"
            + op
            + "' not supported between instances of '"
            + typeName(a)
            + "' and '"
            + typeName(b)
            + "'");
  }

  private static boolean holds(String op, int cmp) {
    switch (op) {
      case "<":
        return cmp < 0;
      case "<=":
        return cmp <= 0;
      case ">":
        return cmp > 0;
      case ">=":
        return cmp >= 0;
      default:
        throw new IllegalArgumentException(op);
    }
  }

  /** Orders strings by code point, as Python does (Java's compareTo orders UTF-16 units). */
  static int compareCodePoints(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int x = a.codePointAt(i);
      int y = b.codePointAt(j);
      if (x != y) {
        return Integer.compare(x, y);
      }
      i += Character.charCount(x);
      j += Character.charCount(y);
    }
    return Integer.compare(a.length() - i, b.length() - j);
  }

  /** Python's {@code item in container}. */
  static boolean contains(Object container, Object item) {
    if (container instanceof String) {
      if (!(item instanceof String)) {
        throw PyException.typeError(
            "'in <string>' requires string as left operand, not " + typeName(item));
      }
      return ((String) container).contains((String) item);
    }
    if (container instanceof PyList) {
      for (Object element : ((PyList) container).items()) {
        if (eq(element, item)) {
          return true;
        }
      }
      return false;
    }
    if (container instanceof PyDict) {
      return ((PyDict) container).containsKey(item);
    }
    if (container instanceof Undefined) {
      return false;
    }
    if (container instanceof PyIteratorValue) {
      PyIteratorValue it = (PyIteratorValue) container;
      while (it.hasNext()) {
        if (eq(it.next(), item)) {
          return true;
        }
      }
      return false;
    }
    throw PyException.typeError("argument of type '" + typeName(container) + "' is not iterable");
  }

  // ---------------------------------------------------------------- len, iteration

  static int len(Object value) {
    if (value instanceof String) {
      return PyStrings.length((String) value);
    }
    if (value instanceof PyList) {
      return ((PyList) value).size();
    }
    if (value instanceof PyDict) {
      return ((PyDict) value).size();
    }
    if (value instanceof Undefined) {
      return 0;
    }
    if (value instanceof LoopContext) {
      return ((LoopContext) value).length();
    }
    throw PyException.typeError("object of type '" + typeName(value) + "' has no len()");
  }

  /** Python's {@code iter(value)}. */
  static Iterator<Object> iterate(Object value) {
    if (value instanceof PyList) {
      return ((PyList) value).items().iterator();
    }
    if (value instanceof PyDict) {
      return ((PyDict) value).keys().iterator();
    }
    if (value instanceof String) {
      String s = (String) value;
      return new Iterator<>() {
        private int i;

        @Override
        public boolean hasNext() {
          return i < s.length();
        }

        @Override
        public Object next() {
          if (i >= s.length()) {
            throw new NoSuchElementException();
          }
          int cp = s.codePointAt(i);
          i += Character.charCount(cp);
          return new String(Character.toChars(cp));
        }
      };
    }
    if (value instanceof Undefined) {
      return Collections.emptyIterator();
    }
    if (value instanceof PyIteratorValue) {
      return (PyIteratorValue) value;
    }
    throw PyException.typeError("'" + typeName(value) + "' object is not iterable");
  }

  static boolean isIterable(Object value) {
    return value instanceof PyList
        || value instanceof PyDict
        || value instanceof String
        || value instanceof Undefined
        || value instanceof PyIteratorValue;
  }

  /** Python's {@code list(value)}, bounded by the output limit. */
  static List<Object> toList(Object value, Renderer r) {
    if (value instanceof PyList) {
      return new ArrayList<>(((PyList) value).items());
    }
    List<Object> items = new ArrayList<>();
    Iterator<Object> it = iterate(value);
    while (it.hasNext()) {
      items.add(it.next());
      if (items.size() > r.maxChars()) {
        r.checkLength(items.size());
      }
    }
    return items;
  }

  // ---------------------------------------------------------------- arithmetic

  private static void failIfUndefined(Object a, Object b) {
    if (a instanceof Undefined) {
      throw ((Undefined) a).error();
    }
    if (b instanceof Undefined) {
      throw ((Undefined) b).error();
    }
  }

  private static PyException unsupported(String op, Object a, Object b) {
    return PyException.typeError(
        "unsupported operand type(s) for "
            + op
            + ": '"
            + typeName(a)
            + "' and '"
            + typeName(b)
            + "'");
  }

  static Object add(Object a, Object b, Renderer r) {
    failIfUndefined(a, b);
    if (PyNumbers.isNumber(a) && PyNumbers.isNumber(b)) {
      return PyNumbers.add(a, b);
    }
    if (a instanceof String) {
      if (b instanceof String) {
        r.checkLength((long) ((String) a).length() + ((String) b).length());
        return (String) a + b;
      }
      throw PyException.typeError("can only concatenate str (not \"" + typeName(b) + "\") to str");
    }
    if (a instanceof PyList
        && (((PyList) a).kind() == PyList.Kind.LIST || ((PyList) a).kind() == PyList.Kind.TUPLE)) {
      PyList x = (PyList) a;
      if (b instanceof PyList && ((PyList) b).kind() == x.kind()) {
        r.checkLength((long) x.size() + ((PyList) b).size());
        List<Object> items = new ArrayList<>(x.items());
        items.addAll(((PyList) b).items());
        return PyList.of(x.kind(), items);
      }
      throw PyException.typeError(
          "can only concatenate "
              + x.kind().typeName
              + " (not \""
              + typeName(b)
              + "\") to "
              + x.kind().typeName);
    }
    throw unsupported("+", a, b);
  }

  static Object sub(Object a, Object b) {
    failIfUndefined(a, b);
    if (PyNumbers.isNumber(a) && PyNumbers.isNumber(b)) {
      return PyNumbers.sub(a, b);
    }
    throw unsupported("-", a, b);
  }

  static Object mul(Object a, Object b, Renderer r) {
    failIfUndefined(a, b);
    if (PyNumbers.isNumber(a) && PyNumbers.isNumber(b)) {
      return PyNumbers.mul(a, b);
    }
    if (PyNumbers.isInt(a) && (b instanceof String || b instanceof PyList)) {
      return repeat(b, a, r);
    }
    if ((a instanceof String || a instanceof PyList) && PyNumbers.isInt(b)) {
      return repeat(a, b, r);
    }
    if (a instanceof String || a instanceof PyList) {
      throw PyException.typeError(
          "can't multiply sequence by non-int of type '" + typeName(b) + "'");
    }
    if (b instanceof String || b instanceof PyList) {
      throw PyException.typeError(
          "can't multiply sequence by non-int of type '" + typeName(a) + "'");
    }
    throw unsupported("*", a, b);
  }

  private static Object repeat(Object sequence, Object times, Renderer r) {
    BigInteger n = PyNumbers.toBig(times);
    if (n.signum() <= 0) {
      if (sequence instanceof String) {
        return "";
      }
      return PyList.of(((PyList) sequence).kind(), new ArrayList<>());
    }
    if (sequence instanceof String) {
      String s = (String) sequence;
      if (s.isEmpty()) {
        return s;
      }
      r.checkLength(
          n.multiply(BigInteger.valueOf(s.length()))
              .min(BigInteger.valueOf(Long.MAX_VALUE))
              .longValue());
      return s.repeat(n.intValue());
    }
    PyList list = (PyList) sequence;
    if (list.kind() != PyList.Kind.LIST && list.kind() != PyList.Kind.TUPLE) {
      throw unsupported("*", sequence, times);
    }
    if (list.size() == 0) {
      return list;
    }
    r.checkLength(
        n.multiply(BigInteger.valueOf(list.size()))
            .min(BigInteger.valueOf(Long.MAX_VALUE))
            .longValue());
    List<Object> items = new ArrayList<>();
    for (int i = 0; i < n.intValue(); i++) {
      items.addAll(list.items());
    }
    return PyList.of(list.kind(), items);
  }

  static Object trueDiv(Object a, Object b) {
    failIfUndefined(a, b);
    if (PyNumbers.isNumber(a) && PyNumbers.isNumber(b)) {
      return PyNumbers.trueDiv(a, b);
    }
    throw unsupported("/", a, b);
  }

  static Object floorDiv(Object a, Object b) {
    failIfUndefined(a, b);
    if (PyNumbers.isNumber(a) && PyNumbers.isNumber(b)) {
      return PyNumbers.floorDiv(a, b);
    }
    throw unsupported("//", a, b);
  }

  static Object mod(Object a, Object b, Renderer r) {
    failIfUndefined(a, b);
    if (PyNumbers.isNumber(a) && PyNumbers.isNumber(b)) {
      return PyNumbers.mod(a, b);
    }
    if (a instanceof String) {
      return PyFormat.percent((String) a, b, r);
    }
    throw unsupported("%", a, b);
  }

  static Object pow(Object a, Object b) {
    failIfUndefined(a, b);
    if (PyNumbers.isNumber(a) && PyNumbers.isNumber(b)) {
      return PyNumbers.pow(a, b);
    }
    throw unsupported("** or pow()", a, b);
  }

  static Object negate(Object a) {
    if (a instanceof Undefined) {
      throw ((Undefined) a).error();
    }
    if (PyNumbers.isNumber(a)) {
      return PyNumbers.negate(a);
    }
    throw PyException.typeError("bad operand type for unary -: '" + typeName(a) + "'");
  }

  static Object plus(Object a) {
    if (a instanceof Undefined) {
      throw ((Undefined) a).error();
    }
    if (a instanceof Boolean) {
      return PyNumbers.toLong(a);
    }
    if (PyNumbers.isNumber(a)) {
      return a;
    }
    throw PyException.typeError("bad operand type for unary +: '" + typeName(a) + "'");
  }

  // ---------------------------------------------------------------- indices and slices

  /** An int-like value (int or bool) as a long, clamping huge ints; raises for other types. */
  static long toIndex(Object value) {
    if (value instanceof Long || value instanceof Boolean) {
      return PyNumbers.toLong(value);
    }
    if (value instanceof BigInteger) {
      return ((BigInteger) value).signum() < 0 ? Long.MIN_VALUE / 2 : Long.MAX_VALUE / 2;
    }
    throw PyException.typeError(
        "slice indices must be integers or None or have an __index__ method");
  }

  /** CPython's {@code PySlice_AdjustIndices}: {start, stop, step} as indices of {@code length}. */
  static int[] sliceIndices(PySlice slice, int length) {
    long step = slice.step() == PyNone.NONE ? 1 : toIndex(slice.step());
    if (step == 0) {
      throw PyException.valueError("slice step cannot be zero");
    }
    long lower = step < 0 ? -1 : 0;
    long upper = step < 0 ? length - 1 : length;
    long start;
    if (slice.start() == PyNone.NONE) {
      start = step < 0 ? upper : lower;
    } else {
      start = toIndex(slice.start());
      if (start < 0) {
        start = Math.max(start + length, lower);
      } else {
        start = Math.min(start, upper);
      }
    }
    long stop;
    if (slice.stop() == PyNone.NONE) {
      stop = step < 0 ? lower : upper;
    } else {
      stop = toIndex(slice.stop());
      if (stop < 0) {
        stop = Math.max(stop + length, lower);
      } else {
        stop = Math.min(stop, upper);
      }
    }
    long clampedStep = Math.max(Math.min(step, Integer.MAX_VALUE), -Integer.MAX_VALUE);
    return new int[] {(int) start, (int) stop, (int) clampedStep};
  }

  private static List<Object> sliceList(List<Object> items, PySlice slice) {
    int[] idx = sliceIndices(slice, items.size());
    List<Object> out = new ArrayList<>();
    if (idx[2] > 0) {
      for (int i = idx[0]; i < idx[1]; i += idx[2]) {
        out.add(items.get(i));
      }
    } else {
      for (int i = idx[0]; i > idx[1]; i += idx[2]) {
        out.add(items.get(i));
      }
    }
    return out;
  }

  // ---------------------------------------------------------------- sandboxed lookup

  /**
   * jinja2's sandboxed {@code obj[key]}: item lookup first, then for string keys the attribute of
   * that name; anything missing is {@link Undefined}. Undefined objects raise.
   */
  static Object getitem(Object obj, Object key) {
    if (obj instanceof Undefined) {
      throw ((Undefined) obj).error();
    }
    Object found = item(obj, key);
    if (found != null) {
      return found;
    }
    if (key instanceof String) {
      Object attribute = Methods.attribute(obj, (String) key);
      if (attribute != null) {
        return attribute;
      }
    }
    return Undefined.missing(obj, key);
  }

  /**
   * jinja2's sandboxed {@code obj.name}: the Python attribute first (methods such as {@code
   * dict.items}), then the item of that name; anything missing is {@link Undefined}.
   */
  static Object getattr(Object obj, String name) {
    if (obj instanceof Undefined) {
      if (Methods.hasDunder(obj, name)) {
        // The sandbox refuses the Python attributes an Undefined has; any other use fails.
        return Undefined.unsafe(obj, name);
      }
      throw ((Undefined) obj).error();
    }
    Object attribute = Methods.attribute(obj, name);
    if (attribute != null) {
      return attribute;
    }
    Object found = item(obj, name);
    if (found != null) {
      return found;
    }
    return Undefined.missing(obj, name);
  }

  /** Python's {@code obj[key]}, or Java {@code null} where Python raises LookupError/TypeError. */
  private static Object item(Object obj, Object key) {
    if (obj instanceof PyDict) {
      if (key instanceof PySlice
          || key instanceof PyList && ((PyList) key).kind() != PyList.Kind.TUPLE
          || key instanceof PyDict) {
        return null;
      }
      return ((PyDict) obj).get(key);
    }
    if (obj instanceof PyList && ((PyList) obj).isSubscriptable()) {
      PyList list = (PyList) obj;
      if (key instanceof PySlice) {
        List<Object> items = sliceList(list.items(), (PySlice) key);
        return PyList.of(
            list.kind() == PyList.Kind.TUPLE ? PyList.Kind.TUPLE : PyList.Kind.LIST, items);
      }
      if (key instanceof Long || key instanceof Boolean) {
        long index = PyNumbers.toLong(key);
        if (index < 0) {
          index += list.size();
        }
        if (index < 0 || index >= list.size()) {
          return null;
        }
        return list.get((int) index);
      }
      return null;
    }
    if (obj instanceof String) {
      String s = (String) obj;
      if (key instanceof PySlice) {
        return PyStrings.slice(s, (PySlice) key);
      }
      if (key instanceof Long || key instanceof Boolean) {
        long index = PyNumbers.toLong(key);
        int length = PyStrings.length(s);
        if (index < 0) {
          index += length;
        }
        if (index < 0 || index >= length) {
          return null;
        }
        return PyStrings.charAt(s, (int) index);
      }
      return null;
    }
    return null;
  }
}
