package io.adapterforge.preprocessing.template;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The attributes a template may read from a value: the Python {@code str}, {@code dict}, {@code
 * list} and {@code tuple} methods chat templates call, the properties of {@code loop}, namespaces,
 * cyclers and macros. This list is the whole surface the sandbox exposes. Like jinja2's {@code
 * ImmutableSandboxedEnvironment}, it refuses private and dunder attributes and methods that would
 * change a value: they come back as an undefined value that raises a {@code SecurityError} when
 * used.
 */
final class Methods {
  private static final Set<String> DICT_MUTATORS =
      Set.of("clear", "pop", "popitem", "setdefault", "update");

  /**
   * jinja2 3.1.2 lets {@code list.pop} and {@code list.clear} through; they are refused here too,
   * since templates must not change the caller's conversation.
   */
  private static final Set<String> LIST_MUTATORS =
      Set.of("append", "reverse", "insert", "sort", "extend", "remove", "pop", "clear");

  private Methods() {}

  /**
   * The attribute {@code name} of {@code obj}: a bound method, a property value, an unsafe {@link
   * Undefined}, or Java {@code null} when Python has no such attribute.
   */
  static Object attribute(Object obj, String name) {
    if (name.startsWith("__")) {
      return hasDunder(obj, name) ? Undefined.unsafe(obj, name) : null;
    }
    if (obj instanceof String) {
      return name.startsWith("_") ? null : stringMethod((String) obj, name);
    }
    if (obj instanceof PyDict) {
      if (DICT_MUTATORS.contains(name)) {
        return Undefined.unsafe(obj, name);
      }
      return dictMethod((PyDict) obj, name);
    }
    if (obj instanceof PyList) {
      PyList list = (PyList) obj;
      if (list.kind() == PyList.Kind.LIST && LIST_MUTATORS.contains(name)) {
        return Undefined.unsafe(obj, name);
      }
      Object field = list.field(name);
      return field != null ? field : listMethod(list, name);
    }
    if (obj instanceof Namespace) {
      Object value = ((Namespace) obj).get(name);
      if (value != null && name.startsWith("_")) {
        return Undefined.unsafe(obj, name);
      }
      return value;
    }
    if (obj instanceof LoopContext) {
      return ((LoopContext) obj).attribute(name);
    }
    if (obj instanceof Cycler) {
      return ((Cycler) obj).attribute(name);
    }
    if (obj instanceof Macro) {
      Macro.Definition definition = ((Macro) obj).definition();
      switch (name) {
        case "name":
          return definition.name() == null ? PyNone.NONE : definition.name();
        case "arguments":
          return PyList.tuple(new ArrayList<>(definition.parameters()));
        case "catch_kwargs":
          return definition.catchKwargs();
        case "catch_varargs":
          return definition.catchVarargs();
        case "caller":
          return definition.usesCaller();
        default:
          return null;
      }
    }
    return null;
  }

  // ---------------------------------------------------------------- dunders

  private static final Set<String> OBJECT_DUNDERS =
      dunders(
          "class delattr dir doc eq format ge getattribute getstate gt hash init init_subclass le"
              + " lt ne new reduce reduce_ex repr setattr sizeof str subclasshook");
  private static final Set<String> STR_DUNDERS =
      dunders("add contains getitem getnewargs iter len mod mul rmod rmul");
  private static final Set<String> LIST_DUNDERS =
      dunders(
          "add class_getitem contains delitem getitem iadd imul iter len mul reversed rmul"
              + " setitem getnewargs");
  private static final Set<String> DICT_DUNDERS =
      dunders("class_getitem contains delitem getitem ior iter len or reversed ror setitem");
  private static final Set<String> NUMBER_DUNDERS =
      dunders(
          "abs add and bool ceil divmod float floor floordiv getnewargs index int invert lshift"
              + " mod mul neg or pos pow radd rand rdivmod rfloordiv rlshift rmod rmul ror round"
              + " rpow rrshift rshift rsub rtruediv rxor sub truediv trunc xor");
  private static final Set<String> UNDEFINED_DUNDERS =
      dunders(
          "add aiter bool call complex div float floordiv getattr getitem int iter len mod"
              + " module mul neg pos pow radd rdiv rfloordiv rmod rmul rpow rsub rtruediv slots"
              + " sub truediv");
  private static final Set<String> FUNCTION_DUNDERS =
      dunders(
          "annotations builtins call closure code defaults dict get globals kwdefaults module"
              + " name qualname");
  private static final Set<String> METHOD_DUNDERS =
      dunders("call module name qualname self text_signature");
  private static final Set<String> TYPE_DUNDERS =
      dunders(
          "base bases basicsize call dict dictoffset flags instancecheck itemsize module mro"
              + " name prepare qualname subclasscheck subclasses text_signature weakrefoffset");
  private static final Set<String> INSTANCE_DUNDERS = dunders("dict module weakref");

  private static Set<String> dunders(String names) {
    Set<String> set = new HashSet<>();
    for (String name : names.split(" ")) {
      set.add("__" + name + "__");
    }
    return set;
  }

  /**
   * Whether Python's {@code getattr(obj, name)} finds the dunder attribute {@code name}: then the
   * sandbox refuses it with a {@code SecurityError}; otherwise lookup goes on to items.
   */
  static boolean hasDunder(Object obj, String name) {
    if (obj instanceof Namespace) {
      // Namespace.__getattribute__ lets only __class__ through.
      return name.equals("__class__");
    }
    if (OBJECT_DUNDERS.contains(name)) {
      return true;
    }
    if (obj instanceof String) {
      return STR_DUNDERS.contains(name);
    }
    if (obj instanceof PyList) {
      return LIST_DUNDERS.contains(name);
    }
    if (obj instanceof PyDict) {
      return DICT_DUNDERS.contains(name);
    }
    if (PyNumbers.isNumber(obj)) {
      return NUMBER_DUNDERS.contains(name);
    }
    if (obj == PyNone.NONE) {
      return name.equals("__bool__");
    }
    if (obj instanceof Undefined) {
      return UNDEFINED_DUNDERS.contains(name);
    }
    if (obj instanceof Builtin) {
      switch (((Builtin) obj).typeName()) {
        case "function":
          return FUNCTION_DUNDERS.contains(name);
        case "type":
          return TYPE_DUNDERS.contains(name);
        default:
          return METHOD_DUNDERS.contains(name);
      }
    }
    if (obj instanceof Macro
        || obj instanceof LoopContext
        || obj instanceof Cycler
        || obj instanceof Joiner) {
      return INSTANCE_DUNDERS.contains(name)
          || name.equals("__call__") && obj instanceof PyCallable;
    }
    return false;
  }

  // ---------------------------------------------------------------- str

  private static Object stringMethod(String s, String name) {
    switch (name) {
      case "startswith":
      case "endswith":
        return Builtin.method(s, name, (r, a) -> startsOrEnds(s, name, a));
      case "strip":
      case "lstrip":
      case "rstrip":
        return Builtin.method(
            s,
            name,
            (r, a) -> {
              Object chars = a.bind(name, new String[] {"chars"}, new Object[] {PyNone.NONE})[0];
              if (chars != PyNone.NONE && !(chars instanceof String)) {
                throw PyException.typeError(name + " arg must be None or str");
              }
              return PyStrings.strip(
                  s,
                  chars == PyNone.NONE ? null : (String) chars,
                  !name.equals("rstrip"),
                  !name.equals("lstrip"));
            });
      case "split":
      case "rsplit":
        return Builtin.method(
            s,
            name,
            (r, a) -> {
              Object[] bound =
                  a.bind(name, new String[] {"sep", "maxsplit"}, new Object[] {PyNone.NONE, -1L});
              if (bound[0] != PyNone.NONE && !(bound[0] instanceof String)) {
                throw PyException.typeError("must be str or None, not " + PyOps.typeName(bound[0]));
              }
              String sep = bound[0] == PyNone.NONE ? null : (String) bound[0];
              long maxsplit = integer(bound[1]);
              List<Object> parts =
                  name.equals("split")
                      ? PyStrings.split(s, sep, maxsplit)
                      : PyStrings.rsplit(s, sep, maxsplit);
              return PyList.list(parts);
            });
      case "splitlines":
        return Builtin.method(
            s,
            name,
            (r, a) -> {
              Object keep = a.bind(name, new String[] {"keepends"}, new Object[] {false})[0];
              return PyList.list(new ArrayList<>(PyStrings.splitlines(s, PyOps.truthy(keep))));
            });
      case "replace":
        return Builtin.method(
            s,
            name,
            (r, a) -> {
              Object[] bound =
                  a.bind(
                      name,
                      new String[] {"old", "new", "count"},
                      new Object[] {Args.REQUIRED, Args.REQUIRED, -1L});
              return PyStrings.replace(
                  s,
                  stringArg(name, 1, bound[0]),
                  stringArg(name, 2, bound[1]),
                  integer(bound[2]),
                  r);
            });
      case "upper":
        return noArgs(s, name, () -> PyStrings.upper(s));
      case "lower":
        return noArgs(s, name, () -> PyStrings.lower(s));
      case "title":
        return noArgs(s, name, () -> PyStrings.title(s));
      case "capitalize":
        return noArgs(s, name, () -> PyStrings.capitalize(s));
      case "isdigit":
      case "isdecimal":
      case "isnumeric":
      case "isalpha":
      case "isalnum":
      case "isspace":
        return noArgs(s, name, () -> PyStrings.all(s, name.substring(2)));
      case "islower":
        return noArgs(s, name, () -> PyStrings.isLower(s));
      case "isupper":
        return noArgs(s, name, () -> PyStrings.isUpper(s));
      case "format":
        return Builtin.method(s, name, (r, a) -> PyFormat.format(s, a, r));
      case "find":
      case "rfind":
      case "index":
      case "rindex":
        return Builtin.method(
            s,
            name,
            (r, a) -> {
              Object[] bound =
                  a.bind(
                      name,
                      new String[] {"sub", "start", "end"},
                      new Object[] {Args.REQUIRED, PyNone.NONE, PyNone.NONE});
              String sub = stringArg(name, 1, bound[0]);
              long found = PyStrings.find(s, sub, bound[1], bound[2], name.startsWith("r"));
              if (found < 0 && name.endsWith("index")) {
                throw PyException.valueError("substring not found");
              }
              return found;
            });
      case "count":
        return Builtin.method(
            s,
            name,
            (r, a) -> {
              Object[] bound =
                  a.bind(
                      name,
                      new String[] {"sub", "start", "end"},
                      new Object[] {Args.REQUIRED, PyNone.NONE, PyNone.NONE});
              return PyStrings.count(s, stringArg(name, 1, bound[0]), bound[1], bound[2]);
            });
      case "join":
        return Builtin.method(
            s,
            name,
            (r, a) -> {
              Object iterable =
                  a.bind(name, new String[] {"iterable"}, new Object[] {Args.REQUIRED})[0];
              StringBuilder out = new StringBuilder();
              int i = 0;
              Iterator<Object> it = PyOps.iterate(iterable);
              while (it.hasNext()) {
                Object item = it.next();
                if (!(item instanceof String)) {
                  throw PyException.typeError(
                      "sequence item "
                          + i
                          + ": expected str instance, "
                          + PyOps.typeName(item)
                          + " found");
                }
                if (i++ > 0) {
                  out.append(s);
                }
                out.append((String) item);
                r.checkLength(out.length());
              }
              return out.toString();
            });
      case "center":
      case "ljust":
      case "rjust":
        return Builtin.method(
            s,
            name,
            (r, a) -> {
              Object[] bound =
                  a.bind(
                      name, new String[] {"width", "fillchar"}, new Object[] {Args.REQUIRED, " "});
              return PyStrings.pad(
                  s, integer(bound[0]), stringArg(name, 2, bound[1]), name.charAt(0), r);
            });
      case "zfill":
        return Builtin.method(
            s,
            name,
            (r, a) -> {
              long width =
                  integer(a.bind(name, new String[] {"width"}, new Object[] {Args.REQUIRED})[0]);
              int length = PyStrings.length(s);
              if (width <= length) {
                return s;
              }
              r.checkLength(width);
              String zeros = "0".repeat((int) (width - length));
              if (s.startsWith("+") || s.startsWith("-")) {
                return s.charAt(0) + zeros + s.substring(1);
              }
              return zeros + s;
            });
      case "removeprefix":
      case "removesuffix":
        return Builtin.method(
            s,
            name,
            (r, a) -> {
              String affix =
                  stringArg(
                      name,
                      1,
                      a.bind(name, new String[] {"affix"}, new Object[] {Args.REQUIRED})[0]);
              if (name.equals("removeprefix")) {
                return s.startsWith(affix) ? s.substring(affix.length()) : s;
              }
              return s.endsWith(affix) && !affix.isEmpty()
                  ? s.substring(0, s.length() - affix.length())
                  : s;
            });
      case "partition":
      case "rpartition":
        return Builtin.method(
            s,
            name,
            (r, a) -> {
              String sep =
                  stringArg(
                      name, 1, a.bind(name, new String[] {"sep"}, new Object[] {Args.REQUIRED})[0]);
              if (sep.isEmpty()) {
                throw PyException.valueError("empty separator");
              }
              int at = name.equals("partition") ? s.indexOf(sep) : s.lastIndexOf(sep);
              if (at < 0) {
                return name.equals("partition") ? PyList.tuple(s, "", "") : PyList.tuple("", "", s);
              }
              return PyList.tuple(s.substring(0, at), sep, s.substring(at + sep.length()));
            });
      default:
        return null;
    }
  }

  private static Object startsOrEnds(String s, String name, Args a) {
    Object[] bound =
        a.bind(
            name,
            new String[] {"prefix", "start", "end"},
            new Object[] {Args.REQUIRED, PyNone.NONE, PyNone.NONE});
    List<Object> affixes;
    if (bound[0] instanceof String) {
      affixes = List.of(bound[0]);
    } else if (bound[0] instanceof PyList && ((PyList) bound[0]).kind() == PyList.Kind.TUPLE) {
      affixes = ((PyList) bound[0]).items();
    } else {
      throw PyException.typeError(
          name + " first arg must be str or a tuple of str, not " + PyOps.typeName(bound[0]));
    }
    int[] range = PyStrings.range(s, bound[1], bound[2]);
    if (range[0] > range[1]) {
      return false;
    }
    String window = s.substring(range[0], range[1]);
    for (Object affix : affixes) {
      if (!(affix instanceof String)) {
        throw PyException.typeError(
            "tuple for " + name + " must only contain str, not " + PyOps.typeName(affix));
      }
      boolean hit =
          name.equals("startswith")
              ? window.startsWith((String) affix)
              : window.endsWith((String) affix);
      if (hit) {
        return true;
      }
    }
    return false;
  }

  // ---------------------------------------------------------------- dict, list

  private static Object dictMethod(PyDict dict, String name) {
    switch (name) {
      case "items":
        return noArgs(dict, name, () -> PyList.of(PyList.Kind.DICT_ITEMS, dict.items()));
      case "keys":
        return noArgs(dict, name, () -> PyList.of(PyList.Kind.DICT_KEYS, dict.keys()));
      case "values":
        return noArgs(dict, name, () -> PyList.of(PyList.Kind.DICT_VALUES, dict.values()));
      case "copy":
        return noArgs(
            dict,
            name,
            () -> {
              PyDict copy = new PyDict();
              dict.entries().forEach(e -> copy.put(e.getKey(), e.getValue()));
              return copy;
            });
      case "get":
        return Builtin.method(
            dict,
            name,
            (r, a) -> {
              if (!a.keywords().isEmpty()) {
                throw PyException.typeError("get() takes no keyword arguments");
              }
              Object[] bound =
                  a.bind(
                      name,
                      new String[] {"key", "default"},
                      new Object[] {Args.REQUIRED, PyNone.NONE});
              Object value = dict.get(bound[0]);
              return value == null ? bound[1] : value;
            });
      default:
        return null;
    }
  }

  private static Object listMethod(PyList list, String name) {
    if (list.kind() != PyList.Kind.LIST && list.kind() != PyList.Kind.TUPLE) {
      return null;
    }
    switch (name) {
      case "index":
        return Builtin.method(
            list,
            name,
            (r, a) -> {
              Object[] bound =
                  a.bind(
                      name,
                      new String[] {"value", "start", "stop"},
                      new Object[] {Args.REQUIRED, 0L, (long) Integer.MAX_VALUE});
              int[] idx =
                  PyOps.sliceIndices(new PySlice(bound[1], bound[2], PyNone.NONE), list.size());
              for (int i = idx[0]; i < idx[1]; i++) {
                if (PyOps.eq(list.get(i), bound[0])) {
                  return (long) i;
                }
              }
              throw PyException.valueError(
                  list.kind() == PyList.Kind.LIST
                      ? PyOps.repr(bound[0]) + " is not in list"
                      : "tuple.index(x): x not in tuple");
            });
      case "count":
        return Builtin.method(
            list,
            name,
            (r, a) -> {
              Object value = a.bind(name, new String[] {"value"}, new Object[] {Args.REQUIRED})[0];
              long count = 0;
              for (Object item : list.items()) {
                if (PyOps.eq(item, value)) {
                  count++;
                }
              }
              return count;
            });
      case "copy":
        if (list.kind() != PyList.Kind.LIST) {
          return null;
        }
        return noArgs(list, name, () -> PyList.list(new ArrayList<>(list.items())));
      default:
        return null;
    }
  }

  // ---------------------------------------------------------------- helpers

  private static Builtin noArgs(Object receiver, String name, Supplier<Object> body) {
    return Builtin.method(
        receiver,
        name,
        (r, a) -> {
          if (!a.isEmpty()) {
            throw PyException.typeError(
                PyOps.typeName(receiver)
                    + "."
                    + name
                    + "() takes no arguments ("
                    + a.positional().size()
                    + " given)");
          }
          return body.get();
        });
  }

  private static String stringArg(String method, int position, Object value) {
    if (!(value instanceof String)) {
      throw PyException.typeError(
          method + "() argument " + position + " must be str, not " + PyOps.typeName(value));
    }
    return (String) value;
  }

  /** A Python int argument as a long (huge values clamp). */
  static long integer(Object value) {
    if (PyNumbers.isInt(value)) {
      return PyOps.toIndex(value);
    }
    throw PyException.typeError(
        "'" + PyOps.typeName(value) + "' object cannot be interpreted as an integer");
  }
}
