package io.adapterforge.preprocessing.clean;

import static org.apache.spark.sql.functions.regexp_replace;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.transform;
import static org.apache.spark.sql.functions.udf;

import io.adapterforge.config.PrepareConfig;
import java.text.Normalizer;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;

/**
 * The cleaning of each message's content, in this order: line endings (CR LF and CR → LF), control
 * characters other than LF and TAB removed, Unicode NFC, surrounding whitespace trimmed (Unicode
 * whitespace, as Python's {@code str.strip()}). All but NFC are built-in SQL expressions; Spark SQL
 * has no Unicode normalization, so NFC is a Java UDF and runs on the CPU.
 */
public final class Cleaning {
  // C0 and C1 controls and DEL, except \t (0x09) and \n (0x0A).
  static final String CONTROL_CHARS = "[\\x00-\\x08\\x0B-\\x1F\\x7F-\\x9F]";
  // Python's str.isspace() set: ASCII whitespace, the separators, NEL and the Unicode spaces.
  private static final String SPACE =
      "[\\t\\n\\x0B\\f\\r\\x1C-\\x1F\\x20\\x85\\xA0\\x{1680}\\x{2000}-\\x{200A}"
          + "\\x{2028}\\x{2029}\\x{202F}\\x{205F}\\x{3000}]";
  static final String SURROUNDING_SPACE = "^" + SPACE + "+|" + SPACE + "+$";

  private static final UserDefinedFunction NFC =
      udf(
              (String text) ->
                  text == null ? null : Normalizer.normalize(text, Normalizer.Form.NFC),
              DataTypes.StringType)
          .withName("unicode_nfc");

  private Cleaning() {}

  /** The cleaned content of a string column, per the switches in {@code config}. */
  public static Column content(Column content, PrepareConfig.Clean config) {
    Column result = content;
    if (config.lineEndings()) {
      result = regexp_replace(result, "\r\n?", "\n");
    }
    if (config.controlChars()) {
      result = regexp_replace(result, CONTROL_CHARS, "");
    }
    if (config.unicodeNfc()) {
      result = NFC.apply(result);
    }
    if (config.trim()) {
      result = regexp_replace(result, SURROUNDING_SPACE, "");
    }
    return result;
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
