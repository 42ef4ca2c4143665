package io.adapterforge.preprocessing.clean;

import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.replace;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.transform;
import static org.apache.spark.sql.functions.translate;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.udf;

import io.adapterforge.config.PrepareConfig;
import java.text.Normalizer;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;

/**
 * The cleaning of each message's content, in this order: line endings (CR LF and CR → LF), control
 * characters other than LF and TAB removed, Unicode NFC, surrounding whitespace trimmed (Unicode
 * whitespace, as Python's {@code str.strip()}). All but NFC are built-in SQL expressions with code
 * generation ({@code replace}, {@code translate}, {@code trim}); Spark SQL has no Unicode
 * normalization, so NFC is a Java UDF and runs on the CPU.
 */
public final class Cleaning {
  /**
   * C0 and C1 controls and DEL, except TAB (0x09) and LF (0x0A): what {@code translate} deletes.
   */
  static final String CONTROL_CHARS = controlChars();

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

  /** The cleaned content of a string column, per the switches in {@code config}. */
  public static Column content(Column content, PrepareConfig.Clean config) {
    Column result = content;
    if (config.lineEndings()) {
      result = translate(replace(result, lit("\r\n"), lit("\n")), "\r", "\n");
    }
    if (config.controlChars()) {
      result = translate(result, CONTROL_CHARS, "");
    }
    if (config.unicodeNfc()) {
      result = NFC.apply(result);
    }
    if (config.trim()) {
      result = trim(result, PYTHON_SPACES);
    }
    return result;
  }

  private static String controlChars() {
    StringBuilder chars = new StringBuilder();
    for (int c = 0; c <= 0x9F; c++) {
      if ((c < 0x20 && c != '\t' && c != '\n') || c >= 0x7F) {
        chars.append((char) c);
      }
    }
    return chars.toString();
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

  /** The messages column with every message's content cleaned. */
  public static Column messages(Column messages, PrepareConfig.Clean config) {
    return transform(
        messages,
        message ->
            struct(
                message.getField("role").as("role"),
                content(message.getField("content"), config).as("content"),
                message.getField("tool_calls").as("tool_calls"),
                message.getField("extra").as("extra")));
  }
}
