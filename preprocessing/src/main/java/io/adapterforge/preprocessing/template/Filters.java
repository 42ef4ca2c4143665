package io.adapterforge.preprocessing.template;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * jinja2's built-in filters, ported from jinja2 3.1.2's {@code filters.py} with the same argument
 * names, defaults and edge cases, plus transformers' {@code tojson}. Filters that need HTML,
 * randomness or text wrapping ({@code urlize}, {@code random}, {@code wordwrap}, …) are left out: a
 * template using them fails to compile with jinja2's "No filter named" message.
 */
final class Filters {
  @FunctionalInterface
  interface Filter {
    Object apply(Renderer r, Object value, Args args);
  }

  private static final Map<String, Filter> FILTERS = new HashMap<>();

  private static final Pattern WORD_BEGINNING_SPLIT = Pattern.compile("([-\\s({\\[<]+)");
  private static final Pattern WORD = Pattern.compile("\\w+", Pattern.UNICODE_CHARACTER_CLASS);

  static {
    FILTERS.put("abs", Filters::abs);
    FILTERS.put("attr", Filters::attr);
    FILTERS.put("batch", Filters::batch);
    FILTERS.put(
        "capitalize", (r, v, a) -> noArgs("capitalize", a, PyStrings.capitalize(softStr(r, v))));
    FILTERS.put("center", Filters::center);
    FILTERS.put("count", Filters::length);
    FILTERS.put("length", Filters::length);
    FILTERS.put("d", Filters::defaultFilter);
    FILTERS.put("default", Filters::defaultFilter);
    FILTERS.put("dictsort", Filters::dictsort);
    FILTERS.put("e", Filters::escape);
    FILTERS.put("escape", Filters::escape);
    FILTERS.put("forceescape", Filters::escape);
    FILTERS.put("first", Filters::first);
    FILTERS.put("float", Filters::toFloat);
    FILTERS.put("format", Filters::format);
    FILTERS.put("groupby", Filters::groupby);
    FILTERS.put("indent", Filters::indent);
    FILTERS.put("int", Filters::toInt);
    FILTERS.put("items", Filters::items);
    FILTERS.put("join", Filters::join);
    FILTERS.put("last", Filters::last);
    FILTERS.put("list", (r, v, a) -> noArgs("list", a, PyList.list(PyOps.toList(v, r))));
    FILTERS.put("lower", (r, v, a) -> noArgs("lower", a, PyStrings.lower(softStr(r, v))));
    FILTERS.put("upper", (r, v, a) -> noArgs("upper", a, PyStrings.upper(softStr(r, v))));
    FILTERS.put("map", Filters::map);
    FILTERS.put("max", (r, v, a) -> minOrMax(r, v, a, "max"));
    FILTERS.put("min", (r, v, a) -> minOrMax(r, v, a, "min"));
    FILTERS.put("reject", (r, v, a) -> selectOrReject(r, v, a, false, false));
    FILTERS.put("rejectattr", (r, v, a) -> selectOrReject(r, v, a, false, true));
    FILTERS.put("select", (r, v, a) -> selectOrReject(r, v, a, true, false));
    FILTERS.put("selectattr", (r, v, a) -> selectOrReject(r, v, a, true, true));
    FILTERS.put("replace", Filters::replace);
    FILTERS.put("reverse", Filters::reverse);
    FILTERS.put("round", Filters::round);
    FILTERS.put("safe", (r, v, a) -> noArgs("safe", a, PyOps.str(v, r.maxChars())));
    FILTERS.put("slice", Filters::slice);
    FILTERS.put("sort", Filters::sort);
    FILTERS.put("string", (r, v, a) -> noArgs("string", a, softStr(r, v)));
    FILTERS.put("sum", Filters::sum);
    FILTERS.put("title", (r, v, a) -> noArgs("title", a, title(softStr(r, v))));
    FILTERS.put("tojson", (r, v, a) -> PyJson.dumps(v, a, r));
    FILTERS.put("trim", Filters::trim);
    FILTERS.put("truncate", Filters::truncate);
    FILTERS.put("unique", Filters::unique);
    FILTERS.put("wordcount", Filters::wordcount);
  }

  private Filters() {}

  /** The filter called {@code name}, or null. */
  static Filter get(String name) {
    return FILTERS.get(name);
  }

  static boolean exists(String name) {
    return FILTERS.containsKey(name);
  }

  /** Calls a filter by name at run time, as {@code map('upper')} does. */
  static Object call(Renderer r, Object name, Object value, Args args) {
    Filter filter = name instanceof String ? FILTERS.get(name) : null;
    if (filter == null) {
      throw PyException.runtime("No filter named " + PyOps.repr(name) + ".");
    }
    return filter.apply(r, value, args);
  }

  private static Object noArgs(String name, Args args, Object result) {
    if (!args.isEmpty()) {
      throw PyException.typeError(
          name
              + "() takes 1 positional argument but "
              + (args.positional().size() + 1)
              + " were given");
    }
    return result;
  }

  /** markupsafe's {@code soft_str}: {@code str()} of anything, undefined printing as "". */
  private static String softStr(Renderer r, Object value) {
    return PyOps.str(value, r.maxChars());
  }

  // ---------------------------------------------------------------- attribute getters

  /** jinja2's {@code make_attrgetter}: dotted paths, digit parts as ints, via getitem. */
  static UnaryOperator<Object> attrGetter(
      Object attribute, UnaryOperator<Object> postprocess, Object defaultValue) {
    List<Object> parts = attributeParts(attribute);
    return item -> {
      for (Object part : parts) {
        item = PyOps.getitem(item, part);
        if (defaultValue != null && item instanceof Undefined) {
          item = defaultValue;
        }
      }
      return postprocess == null ? item : postprocess.apply(item);
    };
  }

  private static List<Object> attributeParts(Object attribute) {
    List<Object> parts = new ArrayList<>();
    if (attribute == null || attribute == PyNone.NONE) {
      return parts;
    }
    if (attribute instanceof String) {
      for (Object part : PyStrings.split((String) attribute, ".", -1)) {
        String p = (String) part;
        parts.add(
            !p.isEmpty() && p.chars().allMatch(Character::isDigit)
                ? (Object) Long.parseLong(p)
                : p);
      }
    } else {
      parts.add(attribute);
    }
    return parts;
  }

  /** jinja2's {@code ignore_case}: lower-cases strings only. */
  private static Object ignoreCase(Object value) {
    return value instanceof String ? PyStrings.lower((String) value) : value;
  }

  private static Comparator<Object> pythonOrder() {
    return (a, b) -> PyOps.compare("<", a, b) ? -1 : PyOps.compare("<", b, a) ? 1 : 0;
  }

  // ---------------------------------------------------------------- filters

  private static Object abs(Renderer r, Object value, Args args) {
    noArgs("abs", args, null);
    if (value instanceof Double) {
      return Math.abs((Double) value);
    }
    if (PyNumbers.isInt(value)) {
      return PyNumbers.normalize(PyNumbers.toBig(value).abs());
    }
    if (value instanceof Undefined) {
      throw ((Undefined) value).error();
    }
    throw PyException.typeError("bad operand type for abs(): '" + PyOps.typeName(value) + "'");
  }

  private static Object attr(Renderer r, Object value, Args args) {
    Object name = args.bind("attr", new String[] {"name"}, new Object[] {Args.REQUIRED})[0];
    if (!(name instanceof String)) {
      throw PyException.typeError("attribute name must be string");
    }
    if (value instanceof Undefined) {
      throw ((Undefined) value).error();
    }
    Object found = Methods.attribute(value, (String) name);
    return found == null ? Undefined.missing(value, name) : found;
  }

  private static Object batch(Renderer r, Object value, Args args) {
    Object[] bound =
        args.bind(
            "batch",
            new String[] {"linecount", "fill_with"},
            new Object[] {Args.REQUIRED, PyNone.NONE});
    long count = Methods.integer(bound[0]);
    List<Object> items = PyOps.toList(value, r);
    List<Object> out = new ArrayList<>();
    List<Object> current = new ArrayList<>();
    for (Object item : items) {
      if (current.size() == count) {
        out.add(PyList.list(current));
        current = new ArrayList<>();
      }
      current.add(item);
    }
    if (!current.isEmpty()) {
      if (bound[1] != PyNone.NONE) {
        while (current.size() < count) {
          current.add(bound[1]);
        }
      }
      out.add(PyList.list(current));
    }
    return new PyIteratorValue("generator", out.iterator());
  }

  private static Object center(Renderer r, Object value, Args args) {
    Object width = args.bind("center", new String[] {"width"}, new Object[] {80L})[0];
    return PyStrings.pad(softStr(r, value), Methods.integer(width), " ", 'c', r);
  }

  private static Object length(Renderer r, Object value, Args args) {
    noArgs("len", args, null);
    return (long) PyOps.len(value);
  }

  private static Object defaultFilter(Renderer r, Object value, Args args) {
    Object[] bound =
        args.bind(
            "do_default", new String[] {"default_value", "boolean"}, new Object[] {"", false});
    if (value instanceof Undefined || (PyOps.truthy(bound[1]) && !PyOps.truthy(value))) {
      return bound[0];
    }
    return value;
  }

  private static Object dictsort(Renderer r, Object value, Args args) {
    Object[] bound =
        args.bind(
            "do_dictsort",
            new String[] {"case_sensitive", "by", "reverse"},
            new Object[] {false, "key", false});
    int position;
    if ("key".equals(bound[1])) {
      position = 0;
    } else if ("value".equals(bound[1])) {
      position = 1;
    } else {
      throw new PyException(
          "FilterArgumentError", "You can only sort by either \"key\" or \"value\"");
    }
    if (!(value instanceof PyDict)) {
      throw new PyException(
          "AttributeError", "'" + PyOps.typeName(value) + "' object has no attribute 'items'");
    }
    boolean caseSensitive = PyOps.truthy(bound[0]);
    List<Object> items = ((PyDict) value).items();
    Comparator<Object> order =
        Comparator.comparing(
            item -> {
              Object part = ((PyList) item).get(position);
              return caseSensitive ? part : ignoreCase(part);
            },
            pythonOrder());
    items.sort(PyOps.truthy(bound[2]) ? order.reversed() : order);
    return PyList.list(items);
  }

  private static Object escape(Renderer r, Object value, Args args) {
    noArgs("escape", args, null);
    String s = softStr(r, value);
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&':
          out.append("&amp;");
          break;
        case '<':
          out.append("&lt;");
          break;
        case '>':
          out.append("&gt;");
          break;
        case '"':
          out.append("&#34;");
          break;
        case '\'':
          out.append("&#39;");
          break;
        default:
          out.append(c);
      }
    }
    r.checkLength(out.length());
    return out.toString();
  }

  private static Object first(Renderer r, Object value, Args args) {
    noArgs("first", args, null);
    Iterator<Object> it = PyOps.iterate(value);
    return it.hasNext()
        ? it.next()
        : Undefined.withHint("No first item, sequence was empty.", null);
  }

  private static Object last(Renderer r, Object value, Args args) {
    noArgs("last", args, null);
    List<Object> items;
    if (value instanceof PyIteratorValue) {
      throw PyException.typeError("'" + PyOps.typeName(value) + "' object is not reversible");
    }
    items = PyOps.toList(value, r);
    return items.isEmpty()
        ? Undefined.withHint("No last item, sequence was empty.", null)
        : items.get(items.size() - 1);
  }

  private static Object toFloat(Renderer r, Object value, Args args) {
    Object fallback = args.bind("do_float", new String[] {"default"}, new Object[] {0.0})[0];
    Double parsed = parseFloat(value);
    return parsed == null ? fallback : parsed;
  }

  /** Python's {@code float(value)}, or null where it raises TypeError/ValueError. */
  private static Double parseFloat(Object value) {
    if (value instanceof Undefined) {
      throw ((Undefined) value).error();
    }
    if (PyNumbers.isNumber(value)) {
      return PyNumbers.toDouble(value);
    }
    if (!(value instanceof String)) {
      return null;
    }
    String s = PyStrings.strip((String) value, null, true, true);
    String lower = s.toLowerCase(Locale.ROOT);
    String unsigned = lower.startsWith("+") || lower.startsWith("-") ? lower.substring(1) : lower;
    double sign = lower.startsWith("-") ? -1.0 : 1.0;
    if (unsigned.equals("inf") || unsigned.equals("infinity")) {
      return sign * Double.POSITIVE_INFINITY;
    }
    if (unsigned.equals("nan")) {
      return Double.NaN;
    }
    if (!s.matches(
        "[+-]?((\\d(_?\\d)*)(\\.(\\d(_?\\d)*)?)?|\\.\\d(_?\\d)*)([eE][+-]?\\d(_?\\d)*)?")) {
      return null;
    }
    return Double.parseDouble(s.replace("_", ""));
  }

  private static Object toInt(Renderer r, Object value, Args args) {
    Object[] bound = args.bind("do_int", new String[] {"default", "base"}, new Object[] {0L, 10L});
    if (value instanceof Undefined) {
      throw ((Undefined) value).error();
    }
    if (value instanceof String) {
      Object parsed = parseInt((String) value, Methods.integer(bound[1]));
      if (parsed != null) {
        return parsed;
      }
    } else if (PyNumbers.isInt(value)) {
      return value instanceof Boolean ? PyNumbers.toLong(value) : value;
    } else if (value instanceof Double) {
      double d = (Double) value;
      if (Double.isNaN(d) || Double.isInfinite(d)) {
        return bound[0];
      }
      return PyNumbers.normalize(new BigDecimal(d).toBigInteger());
    }
    // jinja2 falls back to int(float(value)) so that "42.23"|int gives 42.
    Double asFloat = parseFloat(value);
    if (asFloat == null || asFloat.isNaN() || asFloat.isInfinite()) {
      return bound[0];
    }
    return PyNumbers.normalize(new BigDecimal(asFloat).toBigInteger());
  }

  /** Python's {@code int(text, base)}, or null where it raises ValueError. */
  private static Object parseInt(String text, long base) {
    String s = PyStrings.strip(text, null, true, true).toLowerCase(Locale.ROOT);
    boolean negative = false;
    if (s.startsWith("+") || s.startsWith("-")) {
      negative = s.startsWith("-");
      s = s.substring(1);
    }
    if (base == 0) {
      base = 10;
      if (s.startsWith("0x")) {
        base = 16;
        s = s.substring(2);
      } else if (s.startsWith("0o")) {
        base = 8;
        s = s.substring(2);
      } else if (s.startsWith("0b")) {
        base = 2;
        s = s.substring(2);
      }
    } else if ((base == 16 && s.startsWith("0x"))
        || (base == 8 && s.startsWith("0o"))
        || (base == 2 && s.startsWith("0b"))) {
      s = s.substring(2);
    }
    if (base < 2
        || base > 36
        || s.isEmpty()
        || s.startsWith("_")
        || s.endsWith("_")
        || s.contains("__")) {
      return null;
    }
    try {
      BigInteger v = new BigInteger(s.replace("_", ""), (int) base);
      return PyNumbers.normalize(negative ? v.negate() : v);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static Object format(Renderer r, Object value, Args args) {
    if (!args.positional().isEmpty() && !args.keywords().isEmpty()) {
      throw new PyException(
          "FilterArgumentError", "can't handle positional and keyword arguments at the same time");
    }
    Object values;
    if (!args.keywords().isEmpty()) {
      PyDict dict = new PyDict();
      args.keywords().forEach(dict::put);
      values = dict;
    } else {
      values = PyList.tuple(args.positional());
    }
    return PyFormat.percent(softStr(r, value), values, r);
  }

  private static Object groupby(Renderer r, Object value, Args args) {
    Object[] bound =
        args.bind(
            "do_groupby",
            new String[] {"attribute", "default", "case_sensitive"},
            new Object[] {Args.REQUIRED, PyNone.NONE, false});
    boolean caseSensitive = PyOps.truthy(bound[2]);
    Object defaultValue = bound[1] == PyNone.NONE ? null : bound[1];
    UnaryOperator<Object> key =
        attrGetter(bound[0], caseSensitive ? null : Filters::ignoreCase, defaultValue);
    UnaryOperator<Object> outputKey = attrGetter(bound[0], null, defaultValue);
    List<Object> items = PyOps.toList(value, r);
    items.sort(Comparator.comparing(key, pythonOrder()));
    List<Object> groups = new ArrayList<>();
    Object currentKey = null;
    List<Object> current = null;
    for (Object item : items) {
      Object k = key.apply(item);
      if (current == null || !PyOps.eq(k, currentKey)) {
        if (current != null) {
          groups.add(group(current, caseSensitive, currentKey, outputKey));
        }
        current = new ArrayList<>();
        currentKey = k;
      }
      current.add(item);
    }
    if (current != null) {
      groups.add(group(current, caseSensitive, currentKey, outputKey));
    }
    return PyList.list(groups);
  }

  private static Object group(
      List<Object> members, boolean caseSensitive, Object key, UnaryOperator<Object> outputKey) {
    Object grouper = caseSensitive ? key : outputKey.apply(members.get(0));
    return PyList.namedTuple(List.of("grouper", "list"), List.of(grouper, PyList.list(members)));
  }

  private static Object indent(Renderer r, Object value, Args args) {
    Object[] bound =
        args.bind(
            "do_indent", new String[] {"width", "first", "blank"}, new Object[] {4L, false, false});
    String indention;
    if (bound[0] instanceof String) {
      indention = (String) bound[0];
    } else {
      long width = Methods.integer(bound[0]);
      r.checkLength(width);
      indention = " ".repeat((int) Math.max(0, width));
    }
    if (!(value instanceof String)) {
      if (value instanceof Undefined) {
        throw ((Undefined) value).error();
      }
      throw PyException.typeError(
          "unsupported operand type(s) for +=: '" + PyOps.typeName(value) + "' and 'str'");
    }
    String s = value + "\n";
    List<String> lines = PyStrings.splitlines(s, false);
    StringBuilder out = new StringBuilder();
    if (PyOps.truthy(bound[2])) {
      for (int i = 0; i < lines.size(); i++) {
        if (i > 0) {
          out.append('\n').append(indention);
        }
        out.append(lines.get(i));
        r.checkLength(out.length());
      }
    } else {
      out.append(lines.get(0));
      for (int i = 1; i < lines.size(); i++) {
        out.append('\n');
        if (!lines.get(i).isEmpty()) {
          out.append(indention);
        }
        out.append(lines.get(i));
        r.checkLength(out.length());
      }
    }
    String result = out.toString();
    if (PyOps.truthy(bound[1])) {
      result = indention + result;
    }
    r.checkLength(result.length());
    return result;
  }

  private static Object items(Renderer r, Object value, Args args) {
    noArgs("do_items", args, null);
    if (value instanceof Undefined) {
      return new PyIteratorValue("generator", Collections.emptyIterator());
    }
    if (!(value instanceof PyDict)) {
      throw PyException.typeError("Can only get item pairs from a mapping.");
    }
    return new PyIteratorValue("generator", ((PyDict) value).items().iterator());
  }

  private static Object join(Renderer r, Object value, Args args) {
    Object[] bound =
        args.bind("do_join", new String[] {"d", "attribute"}, new Object[] {"", PyNone.NONE});
    String separator = PyOps.str(bound[0], r.maxChars());
    UnaryOperator<Object> getter =
        bound[1] == PyNone.NONE ? UnaryOperator.identity() : attrGetter(bound[1], null, null);
    StringBuilder out = new StringBuilder();
    Iterator<Object> it = PyOps.iterate(value);
    boolean first = true;
    while (it.hasNext()) {
      if (!first) {
        out.append(separator);
      }
      first = false;
      out.append(PyOps.str(getter.apply(it.next()), r.maxChars()));
      r.checkLength(out.length());
    }
    return out.toString();
  }

  private static Object map(Renderer r, Object value, Args args) {
    if (!PyOps.truthy(value)) {
      return new PyIteratorValue("generator", Collections.emptyIterator());
    }
    UnaryOperator<Object> function;
    if (args.positional().isEmpty() && args.keywords().containsKey("attribute")) {
      Map<String, Object> keywords = new HashMap<>(args.keywords());
      Object attribute = keywords.remove("attribute");
      Object defaultValue = keywords.remove("default");
      if (!keywords.isEmpty()) {
        throw new PyException(
            "FilterArgumentError",
            "Unexpected keyword argument " + PyOps.repr(keywords.keySet().iterator().next()));
      }
      function = attrGetter(attribute, null, defaultValue == PyNone.NONE ? null : defaultValue);
    } else {
      if (args.positional().isEmpty()) {
        throw new PyException("FilterArgumentError", "map requires a filter argument");
      }
      Object name = args.positional().get(0);
      Args rest = args.dropPositional(1);
      function = item -> call(r, name, item, rest);
    }
    Iterator<Object> it = PyOps.iterate(value);
    return new PyIteratorValue(
        "generator",
        new Iterator<>() {
          @Override
          public boolean hasNext() {
            return it.hasNext();
          }

          @Override
          public Object next() {
            return function.apply(it.next());
          }
        });
  }

  private static Object minOrMax(Renderer r, Object value, Args args, String which) {
    Object[] bound =
        args.bind(
            "do_" + which,
            new String[] {"case_sensitive", "attribute"},
            new Object[] {false, PyNone.NONE});
    List<Object> items = PyOps.toList(value, r);
    if (items.isEmpty()) {
      return Undefined.withHint("No aggregated item, sequence was empty.", null);
    }
    UnaryOperator<Object> key =
        attrGetter(bound[1], PyOps.truthy(bound[0]) ? null : Filters::ignoreCase, null);
    Object best = items.get(0);
    Object bestKey = key.apply(best);
    for (int i = 1; i < items.size(); i++) {
      Object k = key.apply(items.get(i));
      boolean better =
          which.equals("max") ? PyOps.compare(">", k, bestKey) : PyOps.compare("<", k, bestKey);
      if (better) {
        best = items.get(i);
        bestKey = k;
      }
    }
    return best;
  }

  private static Object selectOrReject(
      Renderer r, Object value, Args args, boolean select, boolean lookupAttribute) {
    if (!PyOps.truthy(value)) {
      return new PyIteratorValue("generator", Collections.emptyIterator());
    }
    List<Object> positional = args.positional();
    UnaryOperator<Object> transform = UnaryOperator.identity();
    int offset = 0;
    if (lookupAttribute) {
      if (positional.isEmpty()) {
        throw new PyException("FilterArgumentError", "Missing parameter for attribute name");
      }
      transform = attrGetter(positional.get(0), null, null);
      offset = 1;
    }
    Predicate<Object> predicate;
    if (positional.size() > offset) {
      Object testName = positional.get(offset);
      Args testArgs =
          new Args(
              new ArrayList<>(positional.subList(offset + 1, positional.size())), args.keywords());
      predicate = item -> Tests.call(r, testName, item, testArgs);
    } else {
      predicate = PyOps::truthy;
    }
    UnaryOperator<Object> getter = transform;
    Iterator<Object> it = PyOps.iterate(value);
    return new PyIteratorValue(
        "generator",
        new Iterator<>() {
          private Object next;
          private boolean ready;

          @Override
          public boolean hasNext() {
            while (!ready && it.hasNext()) {
              Object item = it.next();
              if (predicate.test(getter.apply(item)) == select) {
                next = item;
                ready = true;
              }
            }
            return ready;
          }

          @Override
          public Object next() {
            if (!hasNext()) {
              throw new NoSuchElementException();
            }
            ready = false;
            return next;
          }
        });
  }

  private static Object replace(Renderer r, Object value, Args args) {
    Object[] bound =
        args.bind(
            "do_replace",
            new String[] {"old", "new", "count"},
            new Object[] {Args.REQUIRED, Args.REQUIRED, PyNone.NONE});
    long count = bound[2] == PyNone.NONE ? -1 : Methods.integer(bound[2]);
    return PyStrings.replace(
        PyOps.str(value, r.maxChars()),
        PyOps.str(bound[0], r.maxChars()),
        PyOps.str(bound[1], r.maxChars()),
        count,
        r);
  }

  private static Object reverse(Renderer r, Object value, Args args) {
    noArgs("do_reverse", args, null);
    if (value instanceof String) {
      return PyStrings.slice((String) value, new PySlice(PyNone.NONE, PyNone.NONE, -1L));
    }
    List<Object> items;
    String type;
    if (value instanceof PyList && ((PyList) value).isSubscriptable()
        || value instanceof PyDict
        || value instanceof Undefined) {
      items = PyOps.toList(value, r);
      type =
          value instanceof PyDict
              ? "dict_reversekeyiterator"
              : value instanceof PyList && ((PyList) value).kind() == PyList.Kind.LIST
                  ? "list_reverseiterator"
                  : "reversed";
      Collections.reverse(items);
      return new PyIteratorValue(type, items.iterator());
    }
    if (!PyOps.isIterable(value)) {
      throw new PyException("FilterArgumentError", "argument must be iterable");
    }
    // Iterators are not reversible: jinja2 makes a list of them and reverses it.
    items = PyOps.toList(value, r);
    Collections.reverse(items);
    return PyList.list(items);
  }

  private static Object round(Renderer r, Object value, Args args) {
    Object[] bound =
        args.bind("do_round", new String[] {"precision", "method"}, new Object[] {0L, "common"});
    long precision = Methods.integer(bound[0]);
    Object method = bound[1];
    if (!"common".equals(method) && !"ceil".equals(method) && !"floor".equals(method)) {
      throw new PyException("FilterArgumentError", "method must be common, ceil or floor");
    }
    if (value instanceof Undefined) {
      throw ((Undefined) value).error();
    }
    if (!PyNumbers.isNumber(value)) {
      throw PyException.typeError(
          "type " + PyOps.typeName(value) + " doesn't define __round__ method");
    }
    if (method.equals("common")) {
      if (PyNumbers.isInt(value)) {
        BigDecimal rounded =
            new BigDecimal(PyNumbers.toBig(value))
                .setScale((int) precision, RoundingMode.HALF_EVEN);
        return PyNumbers.normalize(rounded.setScale(0, RoundingMode.UNNECESSARY).toBigInteger());
      }
      double d = (Double) value;
      if (Double.isNaN(d) || Double.isInfinite(d)) {
        return d;
      }
      return new BigDecimal(d).setScale((int) precision, RoundingMode.HALF_EVEN).doubleValue();
    }
    double scale = Math.pow(10, precision);
    double scaled = PyNumbers.toDouble(value) * scale;
    double rounded = method.equals("ceil") ? Math.ceil(scaled) : Math.floor(scaled);
    return rounded / scale;
  }

  private static Object slice(Renderer r, Object value, Args args) {
    Object[] bound =
        args.bind(
            "do_slice",
            new String[] {"slices", "fill_with"},
            new Object[] {Args.REQUIRED, PyNone.NONE});
    List<Object> seq = PyOps.toList(value, r);
    long slices = Methods.integer(bound[0]);
    if (slices == 0) {
      throw new PyException("ZeroDivisionError", "integer division or modulo by zero");
    }
    int length = seq.size();
    long perSlice = Math.floorDiv(length, slices);
    long withExtra = Math.floorMod(length, slices);
    long offset = 0;
    List<Object> out = new ArrayList<>();
    for (long n = 0; n < slices; n++) {
      r.countIteration();
      long start = offset + n * perSlice;
      if (n < withExtra) {
        offset++;
      }
      long end = offset + (n + 1) * perSlice;
      List<Object> part =
          new ArrayList<>(
              seq.subList(
                  (int) Math.min(Math.max(start, 0), length),
                  (int) Math.min(Math.max(end, Math.max(start, 0)), length)));
      if (bound[1] != PyNone.NONE && n >= withExtra) {
        part.add(bound[1]);
      }
      out.add(PyList.list(part));
    }
    return new PyIteratorValue("generator", out.iterator());
  }

  private static Object sort(Renderer r, Object value, Args args) {
    Object[] bound =
        args.bind(
            "do_sort",
            new String[] {"reverse", "case_sensitive", "attribute"},
            new Object[] {false, false, PyNone.NONE});
    boolean caseSensitive = PyOps.truthy(bound[1]);
    List<UnaryOperator<Object>> keys = new ArrayList<>();
    if (bound[2] instanceof String) {
      for (Object attribute : PyStrings.split((String) bound[2], ",", -1)) {
        keys.add(attrGetter(attribute, caseSensitive ? null : Filters::ignoreCase, null));
      }
    } else {
      keys.add(attrGetter(bound[2], caseSensitive ? null : Filters::ignoreCase, null));
    }
    List<Object> items = PyOps.toList(value, r);
    List<Object[]> decorated = new ArrayList<>(items.size());
    for (Object item : items) {
      List<Object> key = new ArrayList<>(keys.size());
      for (UnaryOperator<Object> getter : keys) {
        key.add(getter.apply(item));
      }
      decorated.add(new Object[] {PyList.list(key), item});
    }
    Comparator<Object[]> order = Comparator.comparing(pair -> pair[0], pythonOrder());
    // A stable sort on the reversed order keeps equal items in their original order, as
    // Python's sorted(reverse=True) does.
    decorated.sort(PyOps.truthy(bound[0]) ? order.reversed() : order);
    List<Object> out = new ArrayList<>(decorated.size());
    for (Object[] pair : decorated) {
      out.add(pair[1]);
    }
    return PyList.list(out);
  }

  private static Object sum(Renderer r, Object value, Args args) {
    Object[] bound =
        args.bind("do_sum", new String[] {"attribute", "start"}, new Object[] {PyNone.NONE, 0L});
    UnaryOperator<Object> getter =
        bound[0] == PyNone.NONE ? UnaryOperator.identity() : attrGetter(bound[0], null, null);
    Object total = bound[1];
    Iterator<Object> it = PyOps.iterate(value);
    while (it.hasNext()) {
      total = PyOps.add(total, getter.apply(it.next()), r);
    }
    return total;
  }

  /** jinja2's {@code title} filter, which differs from {@code str.title()}. */
  private static String title(String s) {
    StringBuilder out = new StringBuilder();
    Matcher m = WORD_BEGINNING_SPLIT.matcher(s);
    int last = 0;
    List<String> items = new ArrayList<>();
    while (m.find()) {
      items.add(s.substring(last, m.start()));
      items.add(m.group());
      last = m.end();
    }
    items.add(s.substring(last));
    for (String item : items) {
      if (!item.isEmpty()) {
        int first = item.codePointAt(0);
        int n = Character.charCount(first);
        out.append(PyStrings.upper(item.substring(0, n)))
            .append(PyStrings.lower(item.substring(n)));
      }
    }
    return out.toString();
  }

  private static Object trim(Renderer r, Object value, Args args) {
    Object chars = args.bind("do_trim", new String[] {"chars"}, new Object[] {PyNone.NONE})[0];
    if (chars != PyNone.NONE && !(chars instanceof String)) {
      throw PyException.typeError("strip arg must be None or str");
    }
    return PyStrings.strip(
        softStr(r, value), chars == PyNone.NONE ? null : (String) chars, true, true);
  }

  private static Object truncate(Renderer r, Object value, Args args) {
    Object[] bound =
        args.bind(
            "do_truncate",
            new String[] {"length", "killwords", "end", "leeway"},
            new Object[] {255L, false, "...", PyNone.NONE});
    if (!(value instanceof String)) {
      throw PyException.typeError("object of type '" + PyOps.typeName(value) + "' has no len()");
    }
    String s = (String) value;
    long length = Methods.integer(bound[0]);
    String end = PyOps.str(bound[2], r.maxChars());
    long leeway = bound[3] == PyNone.NONE ? 5 : Methods.integer(bound[3]);
    if (length < PyStrings.length(end)) {
      throw new PyException(
          "AssertionError", "expected length >= " + PyStrings.length(end) + ", got " + length);
    }
    if (leeway < 0) {
      throw new PyException("AssertionError", "expected leeway >= 0, got " + leeway);
    }
    if (PyStrings.length(s) <= length + leeway) {
      return s;
    }
    String head =
        PyStrings.slice(s, new PySlice(PyNone.NONE, length - PyStrings.length(end), PyNone.NONE));
    if (PyOps.truthy(bound[1])) {
      return head + end;
    }
    return PyStrings.rsplit(head, " ", 1).get(0) + end;
  }

  private static Object unique(Renderer r, Object value, Args args) {
    Object[] bound =
        args.bind(
            "do_unique",
            new String[] {"case_sensitive", "attribute"},
            new Object[] {false, PyNone.NONE});
    UnaryOperator<Object> key =
        attrGetter(bound[1], PyOps.truthy(bound[0]) ? null : Filters::ignoreCase, null);
    Set<Object> seen = new HashSet<>();
    List<Object> out = new ArrayList<>();
    Iterator<Object> it = PyOps.iterate(value);
    while (it.hasNext()) {
      Object item = it.next();
      if (seen.add(PyDict.hashKey(key.apply(item)))) {
        out.add(item);
      }
    }
    return new PyIteratorValue("generator", out.iterator());
  }

  private static Object wordcount(Renderer r, Object value, Args args) {
    noArgs("do_wordcount", args, null);
    Matcher m = WORD.matcher(softStr(r, value));
    long count = 0;
    while (m.find()) {
      count++;
    }
    return count;
  }
}
