package io.adapterforge.preprocessing.template;

import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The global functions a chat template sees: jinja2's {@code range}, {@code dict}, {@code
 * namespace}, {@code cycler} and {@code joiner}, and transformers' {@code raise_exception} and
 * {@code strftime_now}. {@code lipsum} is left out.
 */
final class Globals {
  /** jinja2's sandbox refuses ranges longer than this (sandbox.MAX_RANGE). */
  static final int MAX_RANGE = 100_000;

  private static final Map<String, Object> GLOBALS = new HashMap<>();

  static {
    GLOBALS.put("range", Builtin.type("range", Globals::range));
    GLOBALS.put("dict", Builtin.type("dict", (r, a) -> dict(a)));
    GLOBALS.put(
        "namespace",
        Builtin.type(
            "namespace",
            (r, a) -> {
              Namespace ns = new Namespace();
              for (Map.Entry<Object, Object> e : dict(a).entries()) {
                if (!(e.getKey() instanceof String)) {
                  throw PyException.typeError("keywords must be strings");
                }
                ns.set((String) e.getKey(), e.getValue());
              }
              return ns;
            }));
    GLOBALS.put(
        "cycler",
        Builtin.type(
            "cycler",
            (r, a) -> {
              if (!a.keywords().isEmpty()) {
                throw PyException.typeError("Cycler() got an unexpected keyword argument");
              }
              return new Cycler(new ArrayList<>(a.positional()));
            }));
    GLOBALS.put(
        "joiner",
        Builtin.type(
            "joiner",
            (r, a) ->
                new Joiner(
                    PyOps.str(
                        a.bind("Joiner", new String[] {"sep"}, new Object[] {", "})[0],
                        r.maxChars()))));
    GLOBALS.put(
        "raise_exception",
        Builtin.function(
            "raise_exception",
            (r, a) -> {
              Object message =
                  a.bind("raise_exception", new String[] {"message"}, new Object[] {Args.REQUIRED})[
                      0];
              throw new PyException("TemplateError", PyOps.str(message, r.maxChars()));
            }));
    GLOBALS.put(
        "strftime_now",
        Builtin.function(
            "strftime_now",
            (r, a) -> {
              Object format =
                  a.bind("strftime_now", new String[] {"format"}, new Object[] {Args.REQUIRED})[0];
              if (!(format instanceof String)) {
                throw PyException.typeError(
                    "strftime() argument 1 must be str, not " + PyOps.typeName(format));
              }
              return Strftime.format((String) format, ZonedDateTime.now(r.clock()));
            }));
  }

  private Globals() {}

  /** The globals, read-only: they sit below the render's variables in every render. */
  static Map<String, Object> all() {
    return Collections.unmodifiableMap(GLOBALS);
  }

  private static Object range(Renderer r, Args args) {
    if (!args.keywords().isEmpty()) {
      throw PyException.typeError("range() takes no keyword arguments");
    }
    List<Object> p = args.positional();
    if (p.isEmpty() || p.size() > 3) {
      throw PyException.typeError(
          "range expected at "
              + (p.isEmpty() ? "least 1" : "most 3")
              + " arguments, got "
              + p.size());
    }
    long start = 0;
    long stop;
    long step = 1;
    if (p.size() == 1) {
      stop = Methods.integer(p.get(0));
    } else {
      start = Methods.integer(p.get(0));
      stop = Methods.integer(p.get(1));
      if (p.size() == 3) {
        step = Methods.integer(p.get(2));
      }
    }
    if (step == 0) {
      throw PyException.valueError("range() arg 3 must not be zero");
    }
    long length;
    if (step > 0) {
      length = stop > start ? (stop - start - 1) / step + 1 : 0;
    } else {
      length = stop < start ? (start - stop - 1) / (-step) + 1 : 0;
    }
    if (length > MAX_RANGE) {
      throw new PyException(
          "OverflowError",
          "Range too big. The sandbox blocks ranges larger than MAX_RANGE (" + MAX_RANGE + ").");
    }
    List<Object> items = new ArrayList<>((int) length);
    for (long i = 0; i < length; i++) {
      items.add(start + i * step);
    }
    String repr = "range(" + start + ", " + stop + (step != 1 ? ", " + step : "") + ")";
    return PyList.range(items, repr);
  }

  /** Python's {@code dict(mapping_or_pairs, **kwargs)}. */
  private static PyDict dict(Args args) {
    if (args.positional().size() > 1) {
      throw PyException.typeError(
          "dict expected at most 1 argument, got " + args.positional().size());
    }
    PyDict dict = new PyDict();
    if (!args.positional().isEmpty()) {
      Object source = args.positional().get(0);
      if (source instanceof PyDict) {
        ((PyDict) source).entries().forEach(e -> dict.put(e.getKey(), e.getValue()));
      } else {
        Iterator<Object> it = PyOps.iterate(source);
        int index = 0;
        while (it.hasNext()) {
          Object pair = it.next();
          List<Object> parts = new ArrayList<>();
          Iterator<Object> pi = PyOps.iterate(pair);
          while (pi.hasNext()) {
            parts.add(pi.next());
          }
          if (parts.size() != 2) {
            throw PyException.valueError(
                "dictionary update sequence element #"
                    + index
                    + " has length "
                    + parts.size()
                    + "; 2 is required");
          }
          dict.put(parts.get(0), parts.get(1));
          index++;
        }
      }
    }
    args.keywords().forEach(dict::put);
    return dict;
  }
}
