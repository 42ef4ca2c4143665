package io.adapterforge.preprocessing.clean;

import static org.apache.spark.sql.functions.char_length;
import static org.apache.spark.sql.functions.contains;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.octet_length;
import static org.apache.spark.sql.functions.regexp_replace;
import static org.apache.spark.sql.functions.replace;
import static org.apache.spark.sql.functions.substring;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.when;

import io.adapterforge.config.PrepareConfig;
import java.text.Normalizer;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;

/**
 * The cleaning of each message's content, in this order: line endings (CR LF and CR → LF), control
 * characters other than LF and TAB removed, Unicode NFC, surrounding whitespace trimmed (Unicode
 * whitespace, as Python's {@code str.strip()}). All but NFC are built-in SQL expressions with code
 * generation ({@code replace}, {@code regexp_replace}, {@code trim}, and cheaper tests that skip a
 * step where it would change nothing); Spark SQL has no Unicode normalization, so NFC is a Java
 * UDF, which runs on the CPU and only for text that is not plain ASCII (ASCII text is always NFC).
 * It is a plain column expression: apply it to a string column, not inside a higher-order function
 * ({@code transform}), which Spark interprets row by row.
 *
 * <p>Most text needs none of it. {@link #mayChange} tells, in one pass over a Java string, whether
 * any step could change a text; the parser, which holds every message as a Java string anyway,
 * computes it, and {@link #content(Column, Column, PrepareConfig.Clean)} then runs the expressions
 * on the messages it flagged only, so that the others are not decoded, scanned and encoded again.
 */
public final class Cleaning {
  /**
   * C0 and C1 controls and DEL, except TAB (0x09) and LF (0x0A): what the control-character step
   * deletes, as a regular expression character class.
   */
  static final String CONTROL_CHARS = "[\\x00-\\x08\\x0B-\\x1F\\x7F-\\x9F]";

  /** Python's {@code str.isspace()} set (see {@link PythonWhitespace}), for {@code trim}. */
  static final String PYTHON_SPACES = pythonSpaces();

  private static final UserDefinedFunction NFC =
      udf(
              (String text) ->
                  text == null || Normalizer.isNormalized(text, Normalizer.Form.NFC)
                      ? text
                      : Normalizer.normalize(text, Normalizer.Form.NFC),
              DataTypes.StringType)
          .withName("unicode_nfc");

  private Cleaning() {}

  /**
   * The cleaned content of a string column whose rows {@code mayChange} flags (see {@link
   * #mayChange}); the others as they are, which is what the cleaning would return for them.
   */
  public static Column content(Column content, Column mayChange, PrepareConfig.Clean config) {
    return when(mayChange, content(content, config)).otherwise(content);
  }

  /**
   * False when no enabled step of {@link #content(Column, PrepareConfig.Clean)} would change the
   * text: it has no CR (line endings), no control character but TAB and LF (control characters), is
   * NFC (ASCII always is), and neither starts nor ends with Python whitespace (trim).
   */
  public static boolean mayChange(String text, PrepareConfig.Clean config) {
    if (text == null || text.isEmpty()) {
      return false;
    }
    boolean ascii = true;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\r' && (config.lineEndings() || config.controlChars())) {
        return true;
      }
      if (config.controlChars() && isControl(c)) {
        return true;
      }
      ascii &= c < 0x80;
    }
    if (config.unicodeNfc() && !ascii && !Normalizer.isNormalized(text, Normalizer.Form.NFC)) {
      return true;
    }
    return config.trim()
        && (PythonWhitespace.isSpace(text.codePointAt(0))
            || PythonWhitespace.isSpace(text.codePointBefore(text.length())));
  }

  /** In {@link #CONTROL_CHARS}. */
  private static boolean isControl(char c) {
    return c <= 0x08 || (c >= 0x0B && c <= 0x1F) || (c >= 0x7F && c <= 0x9F);
  }

  /** The cleaned content of a string column, per the switches in {@code config}. */
  public static Column content(Column content, PrepareConfig.Clean config) {
    Column result = content;
    // Each step runs only on text it would change, found by a cheaper test: most text has no CR
    // or control character, is ASCII or already NFC, and has no whitespace at its ends.
    if (config.lineEndings() || config.controlChars()) {
      Column replaced = content;
      if (config.lineEndings()) {
        // replace, not translate: Spark's translate looks every character up in a map.
        replaced = replace(replace(replaced, lit("\r\n"), lit("\n")), lit("\r"), lit("\n"));
      }
      if (config.controlChars()) {
        replaced = regexp_replace(replaced, CONTROL_CHARS, "");
      }
      String touched = config.controlChars() ? CONTROL_CHARS : "\r";
      result = when(content.rlike(touched), replaced).otherwise(content);
    }
    if (config.unicodeNfc()) {
      // The UDF copies the text into a Java string and back; ASCII text is always NFC.
      result =
          when(octet_length(result).equalTo(char_length(result)), result)
              .otherwise(NFC.apply(result));
    }
    if (config.trim()) {
      Column spaces = lit(PYTHON_SPACES);
      Column padded =
          contains(spaces, substring(result, 1, 1)).or(contains(spaces, substring(result, -1, 1)));
      result = when(padded, trim(result, PYTHON_SPACES)).otherwise(result);
    }
    return result;
  }

  private static String pythonSpaces() {
    StringBuilder chars = new StringBuilder();
    for (int c = 0; c <= 0x3000; c++) {
      if (PythonWhitespace.isSpace(c)) {
        chars.append((char) c);
      }
    }
    return chars.toString();
  }
}
