package io.adapterforge.preprocessing.template;

import io.adapterforge.preprocessing.clean.PythonWhitespace;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Python {@code str} semantics on Java strings. Python indexes strings by code point, Java by
 * UTF-16 unit: every length, index and slice here counts code points, so emoji and other characters
 * outside the Basic Multilingual Plane behave as in Python. Whitespace is Python's {@code
 * str.isspace()} set, which is wider than Java's {@code Character.isWhitespace}.
 */
final class PyStrings {
  private PyStrings() {}

  /** Python's {@code str.isspace()} for one code point (Unicode 14, as in Python 3.11). */
  static boolean isSpace(int cp) {
    return PythonWhitespace.isSpace(cp);
  }

  /** The line boundaries of Python's {@code str.splitlines()}. */
  static boolean isLineBreak(int cp) {
    return (cp >= 0x0a && cp <= 0x0d)
        || (cp >= 0x1c && cp <= 0x1e)
        || cp == 0x85
        || cp == 0x2028
        || cp == 0x2029;
  }

  static boolean hasSurrogates(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (Character.isSurrogate(s.charAt(i))) {
        return true;
      }
    }
    return false;
  }

  /** {@code len(s)}. */
  static int length(String s) {
    return s.codePointCount(0, s.length());
  }

  static int[] codePoints(String s) {
    return s.codePoints().toArray();
  }

  /** {@code s[index]} with an already normalized, in-range code point index. */
  static String charAt(String s, int index) {
    if (!hasSurrogates(s)) {
      return String.valueOf(s.charAt(index));
    }
    int offset = s.offsetByCodePoints(0, index);
    return new String(Character.toChars(s.codePointAt(offset)));
  }

  /** The Java index of code point {@code cpIndex} (which may equal the length). */
  static int offset(String s, int cpIndex) {
    return s.offsetByCodePoints(0, cpIndex);
  }

  /** The code point index of Java index {@code offset}. */
  static int cpIndex(String s, int offset) {
    return s.codePointCount(0, offset);
  }

  /** Python's {@code str.strip/lstrip/rstrip}; {@code chars} null means whitespace. */
  static String strip(String s, String chars, boolean left, boolean right) {
    int[] strip = chars == null ? null : codePoints(chars);
    int start = 0;
    int end = s.length();
    if (left) {
      while (start < end) {
        int cp = s.codePointAt(start);
        if (!matches(cp, strip)) {
          break;
        }
        start += Character.charCount(cp);
      }
    }
    if (right) {
      while (end > start) {
        int cp = s.codePointBefore(end);
        if (!matches(cp, strip)) {
          break;
        }
        end -= Character.charCount(cp);
      }
    }
    return s.substring(start, end);
  }

  private static boolean matches(int cp, int[] chars) {
    if (chars == null) {
      return isSpace(cp);
    }
    for (int c : chars) {
      if (c == cp) {
        return true;
      }
    }
    return false;
  }

  /** Python's {@code str.split(sep, maxsplit)}; {@code sep} null splits on whitespace runs. */
  static List<Object> split(String s, String sep, long maxsplit) {
    List<Object> parts = new ArrayList<>();
    if (maxsplit < 0) {
      maxsplit = Long.MAX_VALUE;
    }
    if (sep == null) {
      int i = 0;
      int n = s.length();
      while (true) {
        while (i < n && isSpace(s.codePointAt(i))) {
          i += Character.charCount(s.codePointAt(i));
        }
        if (i >= n) {
          break;
        }
        if (parts.size() >= maxsplit) {
          parts.add(s.substring(i));
          break;
        }
        int j = i;
        while (j < n && !isSpace(s.codePointAt(j))) {
          j += Character.charCount(s.codePointAt(j));
        }
        parts.add(s.substring(i, j));
        i = j;
      }
      return parts;
    }
    if (sep.isEmpty()) {
      throw PyException.valueError("empty separator");
    }
    int start = 0;
    while (parts.size() < maxsplit) {
      int found = s.indexOf(sep, start);
      if (found < 0) {
        break;
      }
      parts.add(s.substring(start, found));
      start = found + sep.length();
    }
    parts.add(s.substring(start));
    return parts;
  }

  /** Python's {@code str.rsplit(sep, maxsplit)}. */
  static List<Object> rsplit(String s, String sep, long maxsplit) {
    List<Object> parts = new ArrayList<>();
    if (maxsplit < 0) {
      maxsplit = Long.MAX_VALUE;
    }
    if (sep == null) {
      int i = s.length();
      while (true) {
        while (i > 0 && isSpace(s.codePointBefore(i))) {
          i -= Character.charCount(s.codePointBefore(i));
        }
        if (i <= 0) {
          break;
        }
        if (parts.size() >= maxsplit) {
          parts.add(s.substring(0, i));
          break;
        }
        int j = i;
        while (j > 0 && !isSpace(s.codePointBefore(j))) {
          j -= Character.charCount(s.codePointBefore(j));
        }
        parts.add(s.substring(j, i));
        i = j;
      }
      Collections.reverse(parts);
      return parts;
    }
    if (sep.isEmpty()) {
      throw PyException.valueError("empty separator");
    }
    int end = s.length();
    while (parts.size() < maxsplit) {
      int found = s.lastIndexOf(sep, end - sep.length());
      if (found < 0) {
        break;
      }
      parts.add(s.substring(found + sep.length(), end));
      end = found;
    }
    parts.add(s.substring(0, end));
    Collections.reverse(parts);
    return parts;
  }

  /** Python's {@code str.splitlines(keepends)}. */
  static List<String> splitlines(String s, boolean keepends) {
    List<String> lines = new ArrayList<>();
    int i = 0;
    int n = s.length();
    while (i < n) {
      int j = i;
      while (j < n && !isLineBreak(s.charAt(j))) {
        j++;
      }
      int eol = j;
      if (j < n) {
        if (s.charAt(j) == '\r' && j + 1 < n && s.charAt(j + 1) == '\n') {
          j += 2;
        } else {
          j++;
        }
        if (keepends) {
          eol = j;
        }
      }
      lines.add(s.substring(i, eol));
      i = j;
    }
    return lines;
  }

  /** Python's {@code str.replace(old, new, count)}, {@code count} negative meaning all. */
  static String replace(String s, String old, String replacement, long count, Renderer r) {
    if (count < 0) {
      count = Long.MAX_VALUE;
    }
    StringBuilder out = new StringBuilder();
    if (old.isEmpty()) {
      // Python inserts the replacement before every code point and at the end.
      int[] cps = codePoints(s);
      long done = 0;
      int i = 0;
      for (; i <= cps.length; i++) {
        if (done < count) {
          out.append(replacement);
          done++;
          r.checkLength(out.length());
        } else {
          break;
        }
        if (i < cps.length) {
          out.appendCodePoint(cps[i]);
        }
      }
      for (; i < cps.length; i++) {
        out.appendCodePoint(cps[i]);
      }
      return out.toString();
    }
    int start = 0;
    long done = 0;
    while (done < count) {
      int found = s.indexOf(old, start);
      if (found < 0) {
        break;
      }
      out.append(s, start, found).append(replacement);
      r.checkLength(out.length());
      start = found + old.length();
      done++;
    }
    out.append(s, start, s.length());
    r.checkLength(out.length());
    return out.toString();
  }

  /**
   * Resolves Python's optional {@code start, end} arguments of {@code find}, {@code count}, {@code
   * startswith} into Java indices {@code [from, to]} of {@code s}; {@code from > to} means empty.
   */
  static int[] range(String s, Object start, Object end) {
    int len = length(s);
    long from = start == PyNone.NONE ? 0 : PyOps.toIndex(start);
    long to = end == PyNone.NONE ? len : PyOps.toIndex(end);
    if (from < 0) {
      from = Math.max(0, from + len);
    }
    if (to < 0) {
      to = Math.max(0, to + len);
    }
    to = Math.min(to, len);
    if (from > len || from > to) {
      return new int[] {1, 0, 0};
    }
    return new int[] {offset(s, (int) from), offset(s, (int) to), (int) from};
  }

  /** Python's {@code str.find} / {@code str.rfind}: a code point index or -1. */
  static long find(String s, String sub, Object start, Object end, boolean reverse) {
    int[] range = range(s, start, end);
    if (range[0] > range[1]) {
      return -1;
    }
    String window = s.substring(range[0], range[1]);
    int found = reverse ? window.lastIndexOf(sub) : window.indexOf(sub);
    if (found < 0) {
      return -1;
    }
    return range[2] + cpIndex(window, found);
  }

  /** Python's {@code str.count}: non-overlapping occurrences. */
  static long count(String s, String sub, Object start, Object end) {
    int[] range = range(s, start, end);
    if (range[0] > range[1]) {
      return 0;
    }
    String window = s.substring(range[0], range[1]);
    if (sub.isEmpty()) {
      return length(window) + 1L;
    }
    long count = 0;
    int i = 0;
    while ((i = window.indexOf(sub, i)) >= 0) {
      count++;
      i += sub.length();
    }
    return count;
  }

  static String upper(String s) {
    return s.toUpperCase(Locale.ROOT);
  }

  static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }

  private static boolean isCased(int cp) {
    return Character.isUpperCase(cp) || Character.isLowerCase(cp) || Character.isTitleCase(cp);
  }

  /** Python's {@code str.title()}: title-case after every uncased character. */
  static String title(String s) {
    StringBuilder out = new StringBuilder(s.length());
    boolean previousCased = false;
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      String one = new String(Character.toChars(cp));
      out.append(previousCased ? lower(one) : titleCase(cp));
      previousCased = isCased(cp);
      i += Character.charCount(cp);
    }
    return out.toString();
  }

  /** Python's {@code str.capitalize()}: first character title-cased, the rest lower-cased. */
  static String capitalize(String s) {
    if (s.isEmpty()) {
      return s;
    }
    int cp = s.codePointAt(0);
    return titleCase(cp) + lower(s.substring(Character.charCount(cp)));
  }

  private static String titleCase(int cp) {
    int title = Character.toTitleCase(cp);
    if (title == cp && Character.isLowerCase(cp)) {
      // Characters without a simple title mapping but with a full upper one (e.g. "ß").
      String upper = upper(new String(Character.toChars(cp)));
      if (upper.codePointCount(0, upper.length()) > 1) {
        return upper.charAt(0) + lower(upper.substring(1));
      }
    }
    return new String(Character.toChars(title));
  }

  static boolean isLower(String s) {
    boolean cased = false;
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      if (Character.isUpperCase(cp) || Character.isTitleCase(cp)) {
        return false;
      }
      if (Character.isLowerCase(cp)) {
        cased = true;
      }
      i += Character.charCount(cp);
    }
    return cased;
  }

  static boolean isUpper(String s) {
    boolean cased = false;
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      if (Character.isLowerCase(cp) || Character.isTitleCase(cp)) {
        return false;
      }
      if (Character.isUpperCase(cp)) {
        cased = true;
      }
      i += Character.charCount(cp);
    }
    return cased;
  }

  /** Python's {@code str.isdigit/isalpha/isalnum/isspace/isdecimal} by {@code kind}. */
  static boolean all(String s, String kind) {
    if (s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      boolean ok;
      switch (kind) {
        case "decimal":
          ok = Character.isDigit(cp);
          break;
        case "digit":
          // Decimal digits and other digits such as superscripts: Numeric_Type Digit.
          ok =
              Character.isDigit(cp)
                  || Character.getType(cp) == Character.OTHER_NUMBER
                      && Character.getNumericValue(cp) >= 0
                      && Character.getNumericValue(cp) <= 9;
          break;
        case "numeric":
          ok = isNumeric(cp);
          break;
        case "alpha":
          ok = Character.isLetter(cp);
          break;
        case "alnum":
          ok = Character.isLetter(cp) || isNumeric(cp);
          break;
        case "space":
          ok = isSpace(cp);
          break;
        default:
          throw new IllegalArgumentException(kind);
      }
      if (!ok) {
        return false;
      }
      i += Character.charCount(cp);
    }
    return true;
  }

  private static boolean isNumeric(int cp) {
    int type = Character.getType(cp);
    return type == Character.DECIMAL_DIGIT_NUMBER
        || type == Character.OTHER_NUMBER
        || type == Character.LETTER_NUMBER;
  }

  /** Python's {@code str.center/ljust/rjust} ({@code align} c, l or r). */
  static String pad(String s, long width, String fill, char align, Renderer r) {
    if (length(fill) != 1) {
      throw PyException.typeError("The fill character must be exactly one character long");
    }
    long len = length(s);
    if (width <= len) {
      return s;
    }
    r.checkLength(width);
    long marg = width - len;
    long left;
    if (align == 'l') {
      left = 0;
    } else if (align == 'r') {
      left = marg;
    } else {
      left = marg / 2 + (marg & width & 1);
    }
    return fill.repeat((int) left) + s + fill.repeat((int) (marg - left));
  }

  /** {@code s[start:stop:step]} with Python's slice rules. */
  static String slice(String s, PySlice slice) {
    boolean simple = !hasSurrogates(s);
    int len = simple ? s.length() : length(s);
    int[] idx = PyOps.sliceIndices(slice, len);
    int start = idx[0];
    int stop = idx[1];
    int step = idx[2];
    if (step == 1) {
      if (stop <= start) {
        return "";
      }
      return simple ? s.substring(start, stop) : s.substring(offset(s, start), offset(s, stop));
    }
    int[] cps = codePoints(s);
    StringBuilder out = new StringBuilder();
    if (step > 0) {
      for (int i = start; i < stop; i += step) {
        out.appendCodePoint(cps[i]);
      }
    } else {
      for (int i = start; i > stop; i += step) {
        out.appendCodePoint(cps[i]);
      }
    }
    return out.toString();
  }

  /** Python's {@code repr(str)}: quotes chosen like Python, non-printables escaped. */
  static void repr(String s, StringBuilder out) {
    char quote = '\'';
    if (s.indexOf('\'') >= 0 && s.indexOf('"') < 0) {
      quote = '"';
    }
    out.append(quote);
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      i += Character.charCount(cp);
      if (cp == quote || cp == '\\') {
        out.append('\\').appendCodePoint(cp);
      } else if (cp == '\t') {
        out.append("\\t");
      } else if (cp == '\n') {
        out.append("\\n");
      } else if (cp == '\r') {
        out.append("\\r");
      } else if (cp < 0x20 || cp == 0x7f) {
        out.append(String.format("\\x%02x", cp));
      } else if (cp < 0x7f || isPrintable(cp)) {
        out.appendCodePoint(cp);
      } else if (cp <= 0xff) {
        out.append(String.format("\\x%02x", cp));
      } else if (cp <= 0xffff) {
        out.append(String.format("\\u%04x", cp));
      } else {
        out.append(String.format("\\U%08x", cp));
      }
    }
    out.append(quote);
  }

  /** Python's {@code str.isprintable()} for one non-ASCII code point. */
  static boolean isPrintable(int cp) {
    switch (Character.getType(cp)) {
      case Character.CONTROL:
      case Character.FORMAT:
      case Character.SURROGATE:
      case Character.PRIVATE_USE:
      case Character.UNASSIGNED:
      case Character.LINE_SEPARATOR:
      case Character.PARAGRAPH_SEPARATOR:
      case Character.SPACE_SEPARATOR:
        return cp == ' ';
      default:
        return true;
    }
  }
}
