package io.adapterforge.preprocessing.template;

import java.math.BigInteger;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * jinja2's lexer as transformers configures it ({@code trim_blocks}, {@code lstrip_blocks}, the
 * default delimiters, {@code keep_trailing_newline=False}), ported from jinja2 3.1.2 as Debian
 * ships it. Whitespace handling is where chat templates are most fragile, so this follows jinja2's
 * regular expressions step by step: {@code {%-} strips all whitespace before a tag, {@code -%}} all
 * after it, {@code %}} eats one newline, and a block or comment tag alone on its line takes the
 * indentation before it along.
 */
final class Lexer {
  private static final Map<String, String> OPERATORS = new LinkedHashMap<>();

  static {
    // Longest first, like jinja2's operator regular expression.
    String[][] operators = {
      {"//", "floordiv"},
      {"**", "pow"},
      {"==", "eq"},
      {"!=", "ne"},
      {">=", "gteq"},
      {"<=", "lteq"},
      {"+", "add"},
      {"-", "sub"},
      {"/", "div"},
      {"*", "mul"},
      {"%", "mod"},
      {"~", "tilde"},
      {"[", "lbracket"},
      {"]", "rbracket"},
      {"(", "lparen"},
      {")", "rparen"},
      {"{", "lbrace"},
      {"}", "rbrace"},
      {">", "gt"},
      {"<", "lt"},
      {"=", "assign"},
      {".", "dot"},
      {":", "colon"},
      {"|", "pipe"},
      {",", "comma"},
      {";", "semicolon"}
    };
    for (String[] op : operators) {
      OPERATORS.put(op[0], op[1]);
    }
  }

  private static final Pattern FLOAT =
      Pattern.compile(
          "(?<!\\.)(\\d+_)*\\d+((\\.(\\d+_)*\\d+)?[eE][+\\-]?(\\d+_)*\\d+|\\.(\\d+_)*\\d+)");
  private static final Pattern INTEGER =
      Pattern.compile(
          "0[bB](_?[01])+|0[oO](_?[0-7])+|0[xX](_?[0-9a-fA-F])+|[1-9](_?[0-9])*|0(_?0)*");
  private static final Pattern RAW_BEGIN =
      Pattern.compile("\\{%([-+]?)" + ws() + "*raw" + ws() + "*(?:-%\\}" + ws() + "*|%\\})");
  private static final Pattern RAW_END =
      Pattern.compile(
          "\\{%([-+]?)" + ws() + "*endraw" + ws() + "*(\\+%\\}|-%\\}" + ws() + "*|%\\}\\n?)");

  private final String source;
  private final int length;
  private final List<Token> tokens = new ArrayList<>();
  private final Deque<String> balancing = new ArrayDeque<>();
  private int pos;
  private int line = 1;
  private boolean lineStarting = true;

  private Lexer(String source) {
    this.source = source;
    this.length = source.length();
  }

  /** Python's {@code \s} (Unicode whitespace, as {@code str.isspace}) as a regex class. */
  private static String ws() {
    return "[\\t\\n\\x0B\\f\\r\\x1C-\\x1F \\x85\\xA0\\u1680\\u2000-\\u200A\\u2028\\u2029"
        + "\\u202F\\u205F\\u3000]";
  }

  static String operatorText(String type) {
    for (Map.Entry<String, String> e : OPERATORS.entrySet()) {
      if (e.getValue().equals(type)) {
        return e.getKey();
      }
    }
    return null;
  }

  /**
   * The tokens of {@code template}, without whitespace and comments, ending with an {@code eof}
   * token.
   */
  static List<Token> tokenize(String template) {
    Lexer lexer = new Lexer(normalize(template));
    lexer.run();
    int lastLine = lexer.tokens.isEmpty() ? 1 : lexer.tokens.get(lexer.tokens.size() - 1).line();
    lexer.tokens.add(new Token("eof", "", lastLine));
    return lexer.tokens;
  }

  /** Newlines become "\n" and one trailing newline goes, as jinja2 does before lexing. */
  static String normalize(String template) {
    String s = template.replace("\r\n", "\n").replace('\r', '\n');
    return s.endsWith("\n") ? s.substring(0, s.length() - 1) : s;
  }

  private void run() {
    while (pos < length) {
      int tag = nextTag(pos);
      if (tag < 0) {
        emit("data", source.substring(pos), line);
        line += newlines(source.substring(pos));
        return;
      }
      String text = source.substring(pos, tag);
      char kind = source.charAt(tag + 1);
      char sign =
          tag + 2 < length && (source.charAt(tag + 2) == '-' || source.charAt(tag + 2) == '+')
              ? source.charAt(tag + 2)
              : 0;
      String begin;
      int end;
      if (kind == '%') {
        Matcher raw = RAW_BEGIN.matcher(source).region(tag, length);
        if (raw.lookingAt()) {
          begin = "raw_begin";
          end = raw.end();
        } else {
          begin = "block_begin";
          end = tag + 2 + (sign != 0 ? 1 : 0);
        }
      } else if (kind == '{') {
        begin = "variable_begin";
        end = tag + 2 + (sign != 0 ? 1 : 0);
      } else {
        begin = "comment_begin";
        end = tag + 2 + (sign != 0 ? 1 : 0);
      }
      emitData(text, sign, !begin.equals("variable_begin"));
      String beginText = source.substring(tag, end);
      if (begin.equals("block_begin") || begin.equals("variable_begin")) {
        tokens.add(new Token(begin, beginText, line));
      }
      line += newlines(beginText);
      lineStarting = beginText.endsWith("\n");
      pos = end;
      switch (begin) {
        case "comment_begin":
          comment();
          break;
        case "raw_begin":
          raw();
          break;
        case "block_begin":
          tag("block_end");
          break;
        default:
          tag("variable_end");
      }
    }
  }

  /** The first {@code {{}, {@code {%} or {@code {#} at or after {@code from}, or -1. */
  private int nextTag(int from) {
    for (int i = from; i + 1 < length; i++) {
      if (source.charAt(i) == '{') {
        char next = source.charAt(i + 1);
        if (next == '{' || next == '%' || next == '#') {
          return i;
        }
      }
    }
    return -1;
  }

  /** Emits the text before a tag after jinja2's whitespace control ({@code OptionalLStrip}). */
  private void emitData(String text, char sign, boolean lstripAllowed) {
    String data = text;
    int newlinesStripped = 0;
    if (sign == '-') {
      data = PyStrings.strip(text, null, false, true);
      newlinesStripped = newlines(text.substring(data.length()));
    } else if (sign != '+' && lstripAllowed) {
      int lineStart = text.lastIndexOf('\n') + 1;
      if (lineStart > 0 || lineStarting) {
        String tail = text.substring(lineStart);
        if (!tail.isEmpty() && isAllSpace(tail)) {
          data = text.substring(0, lineStart);
        }
      }
    }
    emit("data", data, line);
    line += newlines(data) + newlinesStripped;
  }

  private void emit(String type, String value, int tokenLine) {
    if (!value.isEmpty()) {
      tokens.add(new Token(type, value, tokenLine));
    }
  }

  /** Skips a comment up to its first {@code #}}, with that end's whitespace control. */
  private void comment() {
    int close = source.indexOf("#}", pos);
    if (close < 0) {
      throw TemplateException.syntax("Missing end of comment tag", line);
    }
    // A "-" or "+" right before "#}" belongs to the end tag, unless it is the begin tag's.
    char before = close > pos ? source.charAt(close - 1) : 0;
    int end = close + 2;
    if (before == '-') {
      end = skipSpace(end);
    } else if (before != '+' && end < length && source.charAt(end) == '\n') {
      end++;
    }
    String matched = source.substring(pos, end);
    line += newlines(matched);
    lineStarting = matched.endsWith("\n");
    pos = end;
  }

  private void raw() {
    Matcher m = RAW_END.matcher(source);
    int search = pos;
    while (true) {
      int start = source.indexOf("{%", search);
      if (start < 0) {
        throw TemplateException.syntax("Missing end of raw directive", line);
      }
      m.region(start, length);
      if (m.lookingAt()) {
        String text = source.substring(pos, start);
        String sign = m.group(1);
        emitData(text, sign.isEmpty() ? 0 : sign.charAt(0), true);
        String ending = m.group();
        line += newlines(ending);
        lineStarting = ending.endsWith("\n");
        pos = m.end();
        return;
      }
      search = start + 1;
    }
  }

  /** Lexes the inside of a {@code {% %}} or {@code {{ }}} tag up to and including its end. */
  private void tag(String endType) {
    boolean block = endType.equals("block_end");
    while (pos < length) {
      if (balancing.isEmpty()) {
        int end = matchEnd(block);
        if (end >= 0) {
          String matched = source.substring(pos, end);
          tokens.add(new Token(endType, matched, line));
          line += newlines(matched);
          lineStarting = matched.endsWith("\n");
          pos = end;
          return;
        }
      }
      int cp = source.codePointAt(pos);
      if (PyStrings.isSpace(cp)) {
        int end = skipSpace(pos);
        line += newlines(source.substring(pos, end));
        pos = end;
        continue;
      }
      Matcher m = FLOAT.matcher(source).region(pos, length).useTransparentBounds(true);
      if (m.lookingAt()) {
        tokens.add(new Token("float", Double.parseDouble(m.group().replace("_", "")), line));
        pos = m.end();
        continue;
      }
      m = INTEGER.matcher(source).region(pos, length);
      if (m.lookingAt()) {
        tokens.add(new Token("integer", parseInteger(m.group()), line));
        pos = m.end();
        continue;
      }
      if (isNameChar(cp)) {
        int end = pos;
        while (end < length && isNameChar(source.codePointAt(end))) {
          end += Character.charCount(source.codePointAt(end));
        }
        String name = source.substring(pos, end);
        if (!isIdentifier(name)) {
          throw TemplateException.syntax("Invalid character in identifier", line);
        }
        tokens.add(new Token("name", name, line));
        pos = end;
        continue;
      }
      if (cp == '\'' || cp == '"') {
        int end = stringEnd(pos);
        if (end >= 0) {
          String raw = source.substring(pos + 1, end - 1);
          tokens.add(new Token("string", unescape(raw, line), line));
          line += newlines(source.substring(pos, end));
          pos = end;
          continue;
        }
      }
      String operator = operatorAt(pos);
      if (operator != null) {
        balance(operator);
        tokens.add(new Token(OPERATORS.get(operator), operator, line));
        pos += operator.length();
        continue;
      }
      throw TemplateException.syntax(
          "unexpected char "
              + PyOps.repr(new String(Character.toChars(cp)))
              + " at "
              + PyStrings.cpIndex(source, pos),
          line);
    }
  }

  /** Where the tag end at {@code pos} ends, with its whitespace control applied, or -1. */
  private int matchEnd(boolean block) {
    if (block) {
      if (source.startsWith("+%}", pos)) {
        return pos + 3;
      }
      if (source.startsWith("-%}", pos)) {
        return skipSpace(pos + 3);
      }
      if (source.startsWith("%}", pos)) {
        return pos + 2 < length && source.charAt(pos + 2) == '\n' ? pos + 3 : pos + 2;
      }
      return -1;
    }
    if (source.startsWith("-}}", pos)) {
      return skipSpace(pos + 3);
    }
    if (source.startsWith("}}", pos)) {
      return pos + 2;
    }
    return -1;
  }

  private void balance(String operator) {
    switch (operator) {
      case "{":
        balancing.push("}");
        break;
      case "(":
        balancing.push(")");
        break;
      case "[":
        balancing.push("]");
        break;
      case "}":
      case ")":
      case "]":
        if (balancing.isEmpty()) {
          throw TemplateException.syntax("unexpected '" + operator + "'", line);
        }
        String expected = balancing.pop();
        if (!expected.equals(operator)) {
          throw TemplateException.syntax(
              "unexpected '" + operator + "', expected '" + expected + "'", line);
        }
        break;
      default:
    }
  }

  private String operatorAt(int at) {
    for (String operator : OPERATORS.keySet()) {
      if (source.startsWith(operator, at)) {
        return operator;
      }
    }
    return null;
  }

  /** The end of a string literal starting at {@code start}, or -1 when it is not closed. */
  private int stringEnd(int start) {
    char quote = source.charAt(start);
    int i = start + 1;
    while (i < length) {
      char c = source.charAt(i);
      if (c == '\\') {
        i += 2;
      } else if (c == quote) {
        return i + 1;
      } else {
        i++;
      }
    }
    return -1;
  }

  private int skipSpace(int from) {
    int i = from;
    while (i < length && PyStrings.isSpace(source.codePointAt(i))) {
      i += Character.charCount(source.codePointAt(i));
    }
    return i;
  }

  private static boolean isAllSpace(String s) {
    return s.codePoints().allMatch(PyStrings::isSpace);
  }

  private static int newlines(String s) {
    int count = 0;
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) == '\n') {
        count++;
      }
    }
    return count;
  }

  /** Python's {@code \w} plus the identifier continuation characters jinja2 allows. */
  private static boolean isNameChar(int cp) {
    if (cp < 0x80) {
      return (cp >= 'a' && cp <= 'z')
          || (cp >= 'A' && cp <= 'Z')
          || (cp >= '0' && cp <= '9')
          || cp == '_';
    }
    if (Character.isLetterOrDigit(cp)) {
      return true;
    }
    int type = Character.getType(cp);
    return type == Character.NON_SPACING_MARK
        || type == Character.COMBINING_SPACING_MARK
        || type == Character.CONNECTOR_PUNCTUATION
        || type == Character.LETTER_NUMBER
        || cp == 0xb7;
  }

  private static boolean isIdentifier(String name) {
    int first = name.codePointAt(0);
    return first == '_'
        || Character.isLetter(first)
        || Character.getType(first) == Character.LETTER_NUMBER;
  }

  private static Object parseInteger(String text) {
    String s = text.replace("_", "").toLowerCase(Locale.ROOT);
    int radix = 10;
    if (s.startsWith("0x")) {
      radix = 16;
      s = s.substring(2);
    } else if (s.startsWith("0o")) {
      radix = 8;
      s = s.substring(2);
    } else if (s.startsWith("0b")) {
      radix = 2;
      s = s.substring(2);
    }
    return PyNumbers.normalize(new BigInteger(s, radix));
  }

  /**
   * The value of a string literal: jinja2 runs {@code .encode("ascii", "backslashreplace")
   * .decode("unicode-escape")} over the text between the quotes, so Python's escapes apply and any
   * other backslash stays as it is.
   */
  static String unescape(String raw, int line) {
    StringBuilder ascii = new StringBuilder(raw.length());
    for (int i = 0; i < raw.length(); ) {
      int cp = raw.codePointAt(i);
      i += Character.charCount(cp);
      if (cp < 0x80) {
        ascii.append((char) cp);
      } else if (cp <= 0xff) {
        ascii.append(String.format("\\x%02x", cp));
      } else if (cp <= 0xffff) {
        ascii.append(String.format("\\u%04x", cp));
      } else {
        ascii.append(String.format("\\U%08x", cp));
      }
    }
    String s = ascii.toString();
    if (s.indexOf('\\') < 0) {
      return s;
    }
    StringBuilder out = new StringBuilder(s.length());
    int n = s.length();
    int i = 0;
    while (i < n) {
      char c = s.charAt(i);
      if (c != '\\') {
        out.append(c);
        i++;
        continue;
      }
      if (i + 1 >= n) {
        throw TemplateException.syntax("\\ at end of string", line);
      }
      char d = s.charAt(i + 1);
      i += 2;
      switch (d) {
        case '\n':
          break;
        case '\\':
        case '\'':
        case '"':
          out.append(d);
          break;
        case 'a':
          out.append('\u0007');
          break;
        case 'b':
          out.append('\b');
          break;
        case 'f':
          out.append('\f');
          break;
        case 'n':
          out.append('\n');
          break;
        case 'r':
          out.append('\r');
          break;
        case 't':
          out.append('\t');
          break;
        case 'v':
          out.append('\u000b');
          break;
        case 'x':
          i = hexEscape(s, i, 2, out, "truncated \\xXX escape", line);
          break;
        case 'u':
          i = hexEscape(s, i, 4, out, "truncated \\uXXXX escape", line);
          break;
        case 'U':
          i = hexEscape(s, i, 8, out, "truncated \\UXXXXXXXX escape", line);
          break;
        case 'N':
          {
            int close = s.indexOf('}', i);
            if (i >= n || s.charAt(i) != '{' || close < 0 || close == i + 1) {
              throw TemplateException.syntax("malformed \\N character escape", line);
            }
            String name = s.substring(i + 1, close);
            try {
              out.appendCodePoint(Character.codePointOf(name));
            } catch (IllegalArgumentException e) {
              throw TemplateException.syntax("unknown Unicode character name", line);
            }
            i = close + 1;
          }
          break;
        default:
          if (d >= '0' && d <= '7') {
            int value = d - '0';
            for (int k = 0; k < 2 && i < n && s.charAt(i) >= '0' && s.charAt(i) <= '7'; k++) {
              value = value * 8 + (s.charAt(i++) - '0');
            }
            out.appendCodePoint(value);
          } else {
            // Python keeps unknown escapes as they are (with a DeprecationWarning).
            out.append('\\').append(d);
          }
      }
    }
    return out.toString();
  }

  private static int hexEscape(
      String s, int from, int digits, StringBuilder out, String error, int line) {
    if (from + digits > s.length()) {
      throw TemplateException.syntax(error, line);
    }
    String hex = s.substring(from, from + digits);
    for (int k = 0; k < hex.length(); k++) {
      if (Character.digit(hex.charAt(k), 16) < 0) {
        throw TemplateException.syntax(error, line);
      }
    }
    long value = Long.parseLong(hex, 16);
    if (value > 0x10ffff) {
      throw TemplateException.syntax("illegal Unicode character", line);
    }
    out.appendCodePoint((int) value);
    return from + digits;
  }
}
