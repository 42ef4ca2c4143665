package io.adapterforge.preprocessing.template;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Python's {@code json.dumps(value, ensure_ascii, indent, separators, sort_keys)}, which
 * transformers installs as the {@code tojson} filter of chat templates. Byte-for-byte: the same
 * separators, indentation, escapes, float text ({@code NaN}, {@code Infinity}) and errors for
 * values JSON cannot hold.
 */
final class PyJson {
  private final boolean ensureAscii;
  private final String indent;
  private final String itemSeparator;
  private final String keySeparator;
  private final boolean sortKeys;
  private final Renderer renderer;

  PyJson(
      boolean ensureAscii,
      String indent,
      String itemSeparator,
      String keySeparator,
      boolean sortKeys,
      Renderer renderer) {
    this.ensureAscii = ensureAscii;
    this.indent = indent;
    this.itemSeparator = itemSeparator;
    this.keySeparator = keySeparator;
    this.sortKeys = sortKeys;
    this.renderer = renderer;
  }

  /**
   * The {@code tojson} filter: {@code tojson(ensure_ascii=False, indent=None, separators=None,
   * sort_keys=False)}.
   */
  static String dumps(Object value, Args args, Renderer r) {
    Object[] bound =
        args.bind(
            "tojson",
            new String[] {"ensure_ascii", "indent", "separators", "sort_keys"},
            new Object[] {false, PyNone.NONE, PyNone.NONE, false});
    boolean ensureAscii = PyOps.truthy(bound[0]);
    Object indentArg = bound[1];
    String indent = null;
    if (indentArg instanceof String) {
      indent = (String) indentArg;
    } else if (PyNumbers.isInt(indentArg)) {
      long n = PyNumbers.toLong(indentArg instanceof BigInteger ? 0L : indentArg);
      r.checkLength(n);
      indent = " ".repeat((int) Math.max(0, n));
    } else if (indentArg != PyNone.NONE) {
      throw PyException.typeError(
          "can't multiply sequence by non-int of type '" + PyOps.typeName(indentArg) + "'");
    }
    String itemSeparator = indent == null ? ", " : ",";
    String keySeparator = ": ";
    if (bound[2] != PyNone.NONE) {
      List<Object> separators = PyOps.toList(bound[2], r);
      if (separators.size() != 2
          || !(separators.get(0) instanceof String)
          || !(separators.get(1) instanceof String)) {
        throw PyException.valueError("separators must be a pair of strings");
      }
      itemSeparator = (String) separators.get(0);
      keySeparator = (String) separators.get(1);
    }
    StringBuilder out = new StringBuilder();
    new PyJson(ensureAscii, indent, itemSeparator, keySeparator, PyOps.truthy(bound[3]), r)
        .write(value, out, 0);
    return out.toString();
  }

  private void write(Object value, StringBuilder out, int level) {
    renderer.checkLength(out.length());
    if (value instanceof String) {
      string((String) value, out);
    } else if (value == PyNone.NONE) {
      out.append("null");
    } else if (value instanceof Boolean) {
      out.append(((Boolean) value) ? "true" : "false");
    } else if (value instanceof Long || value instanceof BigInteger) {
      out.append(value);
    } else if (value instanceof Double) {
      out.append(floatText((Double) value));
    } else if (value instanceof PyList
        && (((PyList) value).kind() == PyList.Kind.LIST
            || ((PyList) value).kind() == PyList.Kind.TUPLE)) {
      List<Object> items = ((PyList) value).items();
      if (items.isEmpty()) {
        out.append("[]");
        return;
      }
      out.append('[');
      for (int i = 0; i < items.size(); i++) {
        if (i > 0) {
          out.append(itemSeparator);
        }
        newline(out, level + 1);
        write(items.get(i), out, level + 1);
      }
      newline(out, level);
      out.append(']');
    } else if (value instanceof PyDict) {
      PyDict dict = (PyDict) value;
      if (dict.size() == 0) {
        out.append("{}");
        return;
      }
      List<Map.Entry<Object, Object>> entries = new ArrayList<>();
      dict.entries().forEach(entries::add);
      if (sortKeys) {
        entries.sort(
            (a, b) ->
                PyOps.compare("<", a.getKey(), b.getKey())
                    ? -1
                    : PyOps.compare("<", b.getKey(), a.getKey()) ? 1 : 0);
      }
      out.append('{');
      boolean first = true;
      for (Map.Entry<Object, Object> entry : entries) {
        if (!first) {
          out.append(itemSeparator);
        }
        first = false;
        newline(out, level + 1);
        string(key(entry.getKey()), out);
        out.append(keySeparator);
        write(entry.getValue(), out, level + 1);
      }
      newline(out, level);
      out.append('}');
    } else {
      throw PyException.typeError(
          "Object of type " + PyOps.typeName(value) + " is not JSON serializable");
    }
  }

  private void newline(StringBuilder out, int level) {
    if (indent != null) {
      out.append('\n');
      for (int i = 0; i < level; i++) {
        out.append(indent);
      }
    }
  }

  private static String key(Object key) {
    if (key instanceof String) {
      return (String) key;
    }
    if (key instanceof Double) {
      return floatText((Double) key);
    }
    if (key instanceof Boolean) {
      return ((Boolean) key) ? "true" : "false";
    }
    if (key instanceof Long || key instanceof BigInteger) {
      return key.toString();
    }
    if (key == PyNone.NONE) {
      return "null";
    }
    throw PyException.typeError(
        "keys must be str, int, float, bool or None, not " + PyOps.typeName(key));
  }

  private static String floatText(double d) {
    if (Double.isNaN(d)) {
      return "NaN";
    }
    if (Double.isInfinite(d)) {
      return d > 0 ? "Infinity" : "-Infinity";
    }
    return PyNumbers.floatRepr(d);
  }

  private void string(String s, StringBuilder out) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"':
          out.append("\\\"");
          break;
        case '\\':
          out.append("\\\\");
          break;
        case '\n':
          out.append("\\n");
          break;
        case '\r':
          out.append("\\r");
          break;
        case '\t':
          out.append("\\t");
          break;
        case '\b':
          out.append("\\b");
          break;
        case '\f':
          out.append("\\f");
          break;
        default:
          if (c < 0x20 || (ensureAscii && c > 0x7e)) {
            // UTF-16 units are exactly what Python writes for ensure_ascii (surrogate pairs).
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
      }
    }
    out.append('"');
  }
}
