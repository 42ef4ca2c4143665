package io.adapterforge.preprocessing.template;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.List;

/**
 * Python's string formatting: {@code str.format} with the format-spec mini-language, and printf
 * style {@code str % args} (which jinja2's {@code format} filter uses). Floats are rounded from
 * their exact binary value with round-half-even, as Python does.
 */
final class PyFormat {
  private PyFormat() {}

  // ---------------------------------------------------------------- str.format

  /** Python's {@code template.format(*args, **kwargs)}. */
  static String format(String template, Args args, Renderer r) {
    StringBuilder out = new StringBuilder();
    int auto = 0;
    boolean manual = false;
    int i = 0;
    int n = template.length();
    while (i < n) {
      char c = template.charAt(i);
      if (c == '{') {
        if (i + 1 < n && template.charAt(i + 1) == '{') {
          out.append('{');
          i += 2;
          continue;
        }
        int close = findClose(template, i + 1);
        if (close < 0) {
          throw PyException.valueError("Single '{' encountered in format string");
        }
        String field = template.substring(i + 1, close);
        String spec = "";
        String conversion = null;
        int colon = indexOutsideBrackets(field, ':');
        if (colon >= 0) {
          spec = field.substring(colon + 1);
          field = field.substring(0, colon);
        }
        int bang = indexOutsideBrackets(field, '!');
        if (bang >= 0) {
          conversion = field.substring(bang + 1);
          field = field.substring(0, bang);
        }
        // Nested replacement fields inside the spec, such as {:{width}}.
        if (spec.indexOf('{') >= 0) {
          spec = format(spec, args, r);
        }
        int end = firstAccessor(field);
        String head = field.substring(0, end);
        Object value;
        if (head.isEmpty()) {
          if (manual) {
            throw PyException.valueError(
                "cannot switch from manual field specification to automatic field numbering");
          }
          value = positional(args, auto++);
        } else if (head.chars().allMatch(Character::isDigit)) {
          manual = true;
          value = positional(args, Integer.parseInt(head));
        } else {
          value = args.keywords().get(head);
          if (value == null) {
            throw new PyException("KeyError", PyOps.repr(head));
          }
        }
        value = accessors(value, field.substring(end));
        if (conversion != null) {
          switch (conversion) {
            case "r":
            case "a":
              value = PyOps.repr(value);
              break;
            case "s":
              value = PyOps.str(value, r.maxChars());
              break;
            default:
              throw PyException.valueError("Unknown conversion specifier " + conversion);
          }
        }
        out.append(formatValue(value, spec, r));
        r.checkLength(out.length());
        i = close + 1;
      } else if (c == '}') {
        if (i + 1 < n && template.charAt(i + 1) == '}') {
          out.append('}');
          i += 2;
          continue;
        }
        throw PyException.valueError("Single '}' encountered in format string");
      } else {
        out.append(c);
        i++;
      }
    }
    return out.toString();
  }

  private static int findClose(String s, int from) {
    int depth = 1;
    for (int i = from; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '{') {
        depth++;
      } else if (c == '}' && --depth == 0) {
        return i;
      }
    }
    return -1;
  }

  private static int indexOutsideBrackets(String field, char wanted) {
    boolean inBracket = false;
    for (int i = 0; i < field.length(); i++) {
      char c = field.charAt(i);
      if (c == '[') {
        inBracket = true;
      } else if (c == ']') {
        inBracket = false;
      } else if (c == wanted && !inBracket) {
        return i;
      }
    }
    return -1;
  }

  private static int firstAccessor(String field) {
    for (int i = 0; i < field.length(); i++) {
      if (field.charAt(i) == '.' || field.charAt(i) == '[') {
        return i;
      }
    }
    return field.length();
  }

  private static Object positional(Args args, int index) {
    if (index >= args.positional().size()) {
      throw new PyException(
          "IndexError", "Replacement index " + index + " out of range for positional args tuple");
    }
    return args.positional().get(index);
  }

  /** {@code .attr} and {@code [key]} parts of a field, looked up through the sandbox. */
  private static Object accessors(Object value, String rest) {
    int i = 0;
    while (i < rest.length()) {
      char c = rest.charAt(i);
      if (c == '.') {
        int j = i + 1;
        while (j < rest.length() && rest.charAt(j) != '.' && rest.charAt(j) != '[') {
          j++;
        }
        String name = rest.substring(i + 1, j);
        value = PyOps.getattr(value, name);
        i = j;
      } else if (c == '[') {
        int j = rest.indexOf(']', i);
        if (j < 0) {
          throw PyException.valueError("Missing ']' in format string");
        }
        String key = rest.substring(i + 1, j);
        Object k =
            key.chars().allMatch(Character::isDigit) && !key.isEmpty()
                ? (Object) Long.parseLong(key)
                : key;
        value = PyOps.getitem(value, k);
        i = j + 1;
      } else {
        throw PyException.valueError("Only '.' or '[' may follow ']' in format field specifier");
      }
    }
    return value;
  }

  /** Python's {@code format(value, spec)}. */
  static String formatValue(Object value, String spec, Renderer r) {
    if (spec.isEmpty()) {
      return PyOps.str(value, r.maxChars());
    }
    if (!(value instanceof String) && !PyNumbers.isNumber(value)) {
      // object.__format__ refuses a non-empty spec.
      throw PyException.typeError(
          "unsupported format string passed to " + PyOps.typeName(value) + ".__format__");
    }
    Spec s = Spec.parse(spec);
    String body;
    boolean numeric = PyNumbers.isNumber(value);
    if (value instanceof String || !numeric) {
      if (s.type != 0 && s.type != 's') {
        throw PyException.valueError(
            "Unknown format code '"
                + s.type
                + "' for object of type '"
                + PyOps.typeName(value)
                + "'");
      }
      if (!(value instanceof String) && !numeric) {
        value = PyOps.str(value, r.maxChars());
      }
      body = (String) value;
      if (s.precision >= 0 && PyStrings.length(body) > s.precision) {
        body = body.substring(0, PyStrings.offset(body, s.precision));
      }
      return align(body, "", s, '<', r);
    }
    char type = s.type;
    String sign = "";
    String digits;
    if (PyNumbers.isInt(value) && (type == 0 || "dnbxXoc".indexOf(type) >= 0)) {
      BigInteger v = PyNumbers.toBig(value);
      if (v.signum() < 0) {
        sign = "-";
        v = v.negate();
      } else if (s.sign == '+') {
        sign = "+";
      } else if (s.sign == ' ') {
        sign = " ";
      }
      switch (type) {
        case 'b':
          digits = (s.alternate ? "0b" : "") + v.toString(2);
          break;
        case 'x':
          digits = (s.alternate ? "0x" : "") + v.toString(16);
          break;
        case 'X':
          digits = (s.alternate ? "0X" : "") + v.toString(16).toUpperCase();
          break;
        case 'o':
          digits = (s.alternate ? "0o" : "") + v.toString(8);
          break;
        case 'c':
          digits = new String(Character.toChars(v.intValue()));
          break;
        default:
          digits = group(v.toString(), s.grouping);
      }
    } else {
      double d = PyNumbers.toDouble(value);
      if (d < 0 || (d == 0 && 1 / d < 0)) {
        sign = "-";
        d = -d;
      } else if (s.sign == '+') {
        sign = "+";
      } else if (s.sign == ' ') {
        sign = " ";
      }
      digits = formatFloat(d, type, s.precision, s.alternate, value instanceof Double);
      if (s.grouping != 0) {
        int dot = digits.indexOf('.');
        int end = dot >= 0 ? dot : digits.length();
        if (digits.chars().limit(end).allMatch(Character::isDigit)) {
          digits = group(digits.substring(0, end), s.grouping) + digits.substring(end);
        }
      }
    }
    return align(digits, sign, s, '>', r);
  }

  private static String group(String digits, char separator) {
    if (separator == 0 || digits.length() <= 3) {
      return digits;
    }
    StringBuilder out = new StringBuilder();
    int first = digits.length() % 3;
    if (first > 0) {
      out.append(digits, 0, first);
    }
    for (int i = first; i < digits.length(); i += 3) {
      if (out.length() > 0) {
        out.append(separator);
      }
      out.append(digits, i, i + 3);
    }
    return out.toString();
  }

  /** Formats a non-negative finite or special float for the spec type (0 means none). */
  static String formatFloat(
      double d, char type, int precision, boolean alternate, boolean isFloat) {
    if (Double.isNaN(d)) {
      return Character.isUpperCase(type) ? "NAN" : "nan";
    }
    if (Double.isInfinite(d)) {
      return Character.isUpperCase(type) ? "INF" : "inf";
    }
    switch (type) {
      case 'f':
      case 'F':
        return fixed(d, precision < 0 ? 6 : precision, alternate);
      case 'e':
      case 'E':
        {
          String e = scientific(d, precision < 0 ? 6 : precision, alternate);
          return type == 'E' ? e.toUpperCase() : e;
        }
      case '%':
        return fixed(d * 100, precision < 0 ? 6 : precision, alternate) + "%";
      case 'g':
      case 'G':
      case 'n':
        {
          String g = general(d, precision < 0 ? 6 : Math.max(precision, 1), alternate, false);
          return type == 'G' ? g.toUpperCase() : g;
        }
      case 'd':
        throw PyException.valueError("Unknown format code 'd' for object of type 'float'");
      default:
        if (precision < 0) {
          return PyNumbers.floatRepr(d);
        }
        return general(d, Math.max(precision, 1), alternate, true);
    }
  }

  static String fixed(double d, int precision, boolean alternate) {
    String s = new BigDecimal(d).setScale(precision, RoundingMode.HALF_EVEN).toPlainString();
    if (precision == 0 && alternate) {
      s += ".";
    }
    return s;
  }

  static String scientific(double d, int precision, boolean alternate) {
    if (d == 0) {
      String mantissa = precision > 0 ? "0." + "0".repeat(precision) : (alternate ? "0." : "0");
      return mantissa + "e+00";
    }
    BigDecimal exact = new BigDecimal(d);
    BigDecimal rounded = exact.round(new MathContext(precision + 1, RoundingMode.HALF_EVEN));
    String unscaled = rounded.unscaledValue().abs().toString();
    int exponent = unscaled.length() - 1 - rounded.scale();
    // Pad the digits to precision + 1 (rounding may have dropped trailing zeros).
    StringBuilder digits = new StringBuilder(unscaled);
    while (digits.length() < precision + 1) {
      digits.append('0');
    }
    digits.setLength(precision + 1);
    StringBuilder out = new StringBuilder();
    out.append(digits.charAt(0));
    if (precision > 0 || alternate) {
      out.append('.');
    }
    out.append(digits, 1, digits.length());
    out.append('e').append(exponent < 0 ? '-' : '+');
    int abs = Math.abs(exponent);
    if (abs < 10) {
      out.append('0');
    }
    out.append(abs);
    return out.toString();
  }

  /** The {@code g} presentation; {@code repr} style keeps one digit after the point. */
  private static String general(double d, int precision, boolean alternate, boolean reprStyle) {
    if (d == 0) {
      return reprStyle ? "0.0" : (alternate ? "0." + "0".repeat(precision - 1) : "0");
    }
    String sci = scientific(d, precision - 1, true);
    int exponent = Integer.parseInt(sci.substring(sci.indexOf('e') + 1));
    String out;
    if (exponent >= -4 && exponent < precision) {
      out = fixed(d, precision - 1 - exponent, alternate);
      if (!alternate) {
        out = stripZeros(out);
      }
      if (reprStyle && out.indexOf('.') < 0) {
        out += ".0";
      }
    } else {
      String mantissa = sci.substring(0, sci.indexOf('e'));
      if (!alternate) {
        mantissa = stripZeros(mantissa);
      }
      String exp = sci.substring(sci.indexOf('e'));
      out = mantissa + exp;
    }
    return out;
  }

  private static String stripZeros(String s) {
    if (s.indexOf('.') < 0) {
      return s;
    }
    int end = s.length();
    while (s.charAt(end - 1) == '0') {
      end--;
    }
    if (s.charAt(end - 1) == '.') {
      end--;
    }
    return s.substring(0, end);
  }

  private static String align(String body, String sign, Spec s, char defaultAlign, Renderer r) {
    int width = s.width;
    char alignment = s.align == 0 ? (s.zero ? '=' : defaultAlign) : s.align;
    char fill = s.align == 0 && s.zero ? '0' : s.fill;
    int length = PyStrings.length(body) + sign.length();
    if (width <= length) {
      return sign + body;
    }
    r.checkLength(width);
    int pad = width - length;
    String fillString = String.valueOf(fill);
    switch (alignment) {
      case '<':
        return sign + body + fillString.repeat(pad);
      case '>':
        return fillString.repeat(pad) + sign + body;
      case '^':
        return fillString.repeat(pad / 2) + sign + body + fillString.repeat(pad - pad / 2);
      default:
        return sign + fillString.repeat(pad) + body;
    }
  }

  /** A parsed format spec: [[fill]align][sign][#][0][width][,|_][.precision][type]. */
  private static final class Spec {
    char fill = ' ';
    char align;
    char sign;
    boolean alternate;
    boolean zero;
    int width;
    char grouping;
    int precision = -1;
    char type;

    static Spec parse(String spec) {
      Spec s = new Spec();
      int i = 0;
      int n = spec.length();
      if (n >= 2 && "<>=^".indexOf(spec.charAt(1)) >= 0) {
        s.fill = spec.charAt(0);
        s.align = spec.charAt(1);
        i = 2;
      } else if (n >= 1 && "<>=^".indexOf(spec.charAt(0)) >= 0) {
        s.align = spec.charAt(0);
        i = 1;
      }
      if (i < n && "+- ".indexOf(spec.charAt(i)) >= 0) {
        s.sign = spec.charAt(i++);
      }
      if (i < n && spec.charAt(i) == '#') {
        s.alternate = true;
        i++;
      }
      if (i < n && spec.charAt(i) == '0') {
        s.zero = true;
        i++;
      }
      int start = i;
      while (i < n && Character.isDigit(spec.charAt(i))) {
        i++;
      }
      if (i > start) {
        s.width = Integer.parseInt(spec.substring(start, i));
      }
      if (i < n && (spec.charAt(i) == ',' || spec.charAt(i) == '_')) {
        s.grouping = spec.charAt(i++);
      }
      if (i < n && spec.charAt(i) == '.') {
        i++;
        start = i;
        while (i < n && Character.isDigit(spec.charAt(i))) {
          i++;
        }
        if (i == start) {
          throw PyException.valueError("Format specifier missing precision");
        }
        s.precision = Integer.parseInt(spec.substring(start, i));
      }
      if (i < n) {
        s.type = spec.charAt(i++);
      }
      if (i < n) {
        throw PyException.valueError("Invalid format specifier");
      }
      return s;
    }
  }

  // ---------------------------------------------------------------- printf style

  /** Python's {@code template % values}. */
  static String percent(String template, Object values, Renderer r) {
    List<Object> positional =
        values instanceof PyList && ((PyList) values).kind() == PyList.Kind.TUPLE
            ? ((PyList) values).items()
            : List.of(values);
    PyDict mapping = values instanceof PyDict ? (PyDict) values : null;
    StringBuilder out = new StringBuilder();
    int next = 0;
    int i = 0;
    int n = template.length();
    while (i < n) {
      char c = template.charAt(i++);
      if (c != '%') {
        out.append(c);
        continue;
      }
      if (i >= n) {
        throw PyException.valueError("incomplete format");
      }
      Object value = null;
      if (template.charAt(i) == '(') {
        int close = template.indexOf(')', i);
        if (close < 0) {
          throw PyException.valueError("incomplete format key");
        }
        if (mapping == null) {
          throw PyException.typeError("format requires a mapping");
        }
        String key = template.substring(i + 1, close);
        value = mapping.get(key);
        if (value == null) {
          throw new PyException("KeyError", PyOps.repr(key));
        }
        i = close + 1;
      }
      Spec s = new Spec();
      s.align = '>';
      while (i < n && "-+ #0".indexOf(template.charAt(i)) >= 0) {
        char flag = template.charAt(i++);
        if (flag == '-') {
          s.align = '<';
        } else if (flag == '+' || flag == ' ') {
          s.sign = s.sign == '+' ? '+' : flag;
        } else if (flag == '#') {
          s.alternate = true;
        } else {
          s.zero = true;
        }
      }
      int start = i;
      while (i < n && Character.isDigit(template.charAt(i))) {
        i++;
      }
      if (i > start) {
        s.width = Integer.parseInt(template.substring(start, i));
      }
      if (i < n && template.charAt(i) == '.') {
        i++;
        start = i;
        while (i < n && Character.isDigit(template.charAt(i))) {
          i++;
        }
        s.precision = i > start ? Integer.parseInt(template.substring(start, i)) : 0;
      }
      if (i >= n) {
        throw PyException.valueError("incomplete format");
      }
      char type = template.charAt(i++);
      if (type == '%') {
        out.append('%');
        continue;
      }
      if (value == null) {
        if (mapping != null) {
          value = values;
        } else {
          if (next >= positional.size()) {
            throw PyException.typeError("not enough arguments for format string");
          }
          value = positional.get(next++);
        }
      }
      String formatted;
      switch (type) {
        case 's':
          formatted = PyOps.str(value, r.maxChars());
          if (s.precision >= 0 && PyStrings.length(formatted) > s.precision) {
            formatted = formatted.substring(0, PyStrings.offset(formatted, s.precision));
          }
          break;
        case 'r':
        case 'a':
          formatted = PyOps.repr(value);
          break;
        case 'd':
        case 'i':
        case 'u':
          if (!PyNumbers.isNumber(value)) {
            throw PyException.typeError(
                "%" + type + " format: a real number is required, not " + PyOps.typeName(value));
          }
          formatted =
              value instanceof Double
                  ? new BigDecimal((Double) value).toBigInteger().toString()
                  : PyNumbers.toBig(value).toString();
          break;
        case 'f':
        case 'F':
        case 'e':
        case 'E':
        case 'g':
        case 'G':
          if (!PyNumbers.isNumber(value)) {
            throw PyException.typeError("must be real number, not " + PyOps.typeName(value));
          }
          {
            double d = PyNumbers.toDouble(value);
            String sign = d < 0 || (d == 0 && 1 / d < 0) ? "-" : "";
            String body =
                formatFloat(
                    Math.abs(d), type, s.precision < 0 ? 6 : s.precision, s.alternate, true);
            formatted = sign + body;
          }
          break;
        case 'x':
        case 'X':
        case 'o':
          if (!PyNumbers.isInt(value)) {
            throw PyException.typeError(
                "%" + type + " format: an integer is required, not " + PyOps.typeName(value));
          }
          {
            BigInteger v = PyNumbers.toBig(value);
            String digits = v.abs().toString(type == 'o' ? 8 : 16);
            if (type == 'X') {
              digits = digits.toUpperCase();
            }
            formatted = (v.signum() < 0 ? "-" : "") + digits;
          }
          break;
        case 'c':
          formatted =
              value instanceof String
                  ? (String) value
                  : new String(Character.toChars((int) PyNumbers.toLong(value)));
          break;
        default:
          throw PyException.valueError(
              "unsupported format character '" + type + "' (0x" + Integer.toHexString(type) + ")");
      }
      if ((type == 'd'
              || type == 'i'
              || type == 'f'
              || type == 'e'
              || type == 'g'
              || type == 'F'
              || type == 'E'
              || type == 'G')
          && !formatted.startsWith("-")
          && s.sign != 0) {
        formatted = s.sign + formatted;
      }
      int length = PyStrings.length(formatted);
      if (s.width > length) {
        r.checkLength(s.width);
        int pad = s.width - length;
        if (s.align == '<') {
          formatted = formatted + " ".repeat(pad);
        } else if (s.zero && type != 's' && type != 'r') {
          int signLength =
              formatted.startsWith("-") || formatted.startsWith("+") || formatted.startsWith(" ")
                  ? 1
                  : 0;
          formatted =
              formatted.substring(0, signLength)
                  + "0".repeat(pad)
                  + formatted.substring(signLength);
        } else {
          formatted = " ".repeat(pad) + formatted;
        }
      }
      out.append(formatted);
      r.checkLength(out.length());
    }
    if (mapping == null && next < positional.size()) {
      throw PyException.typeError("not all arguments converted during string formatting");
    }
    return out.toString();
  }
}
