package io.adapterforge.preprocessing.parse;

import io.adapterforge.config.PrepareConfig;
import io.adapterforge.dataset.PreparedLayout;
import io.adapterforge.preprocessing.PrepareColumns;
import io.adapterforge.preprocessing.RejectReason;
import io.adapterforge.preprocessing.clean.Cleaning;
import io.adapterforge.preprocessing.read.CorpusReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Turns lines ({@link CorpusReader#SCHEMA}) into message rows ({@link
 * PrepareColumns#MESSAGE_ROWS}): a parsed conversation with a message that cleaning may change
 * becomes one row per message, in order, so that cleaning is a column expression; any other
 * conversation becomes one row, normalized here (what cleaning and {@link NormalizeFunction} would
 * make of it); blank lines become one {@code blank} row, unreadable and unparsable lines one {@code
 * rejected} row with their reason. The raw line (cut) goes along as UTF-8 bytes. Captures only the
 * adapter field name.
 */
public final class ParseFunction implements FlatMapFunction<Row, Row> {
  private static final long serialVersionUID = 1L;

  private final ConversationParser parser;
  private final PrepareConfig.Clean clean;

  /**
   * @param adapterField the field that names a line's adapter
   * @param clean the cleaning switches, to flag the messages cleaning may change
   */
  public ParseFunction(String adapterField, PrepareConfig.Clean clean) {
    this.parser = new ConversationParser(adapterField);
    this.clean = clean;
  }

  @Override
  public Iterator<Row> call(Row line) {
    return parse(parser, clean, line).iterator();
  }

  static List<Row> parse(ConversationParser parser, PrepareConfig.Clean clean, Row line) {
    String source = line.getString(0);
    long number = line.getLong(1);
    String folderAdapter = line.getString(2);
    String text = line.getString(3);
    String error = line.getString(4);
    if (error != null) {
      return List.of(
          reject(source, number, null, folderAdapter, RejectReason.UNREADABLE_FILE, error));
    }
    if (text.isBlank()) {
      return List.of(
          lineRow(
              source, number, null, folderAdapter, PrepareColumns.BLANK, null, null, null, null));
    }
    byte[] raw = cut(text);
    ParsedLine parsed = parser.parse(text, folderAdapter);
    if (parsed.isReject()) {
      return List.of(
          reject(source, number, raw, parsed.adapterId(), parsed.reason(), parsed.detail()));
    }
    List<Message> messages = parsed.messages();
    boolean[] mayChange = new boolean[messages.size()];
    boolean anyMayChange = false;
    for (int i = 0; i < mayChange.length; i++) {
      mayChange[i] = Cleaning.mayChange(messages.get(i).content(), clean);
      anyMayChange |= mayChange[i];
    }
    if (!anyMayChange) {
      // Cleaning would return every message as it is: normalize the line here, in one row.
      NormalizeFunction.Normalized normalized =
          NormalizeFunction.normalized(messages, parsed.tools());
      if (normalized.empty() != null) {
        return List.of(
            reject(
                source,
                number,
                raw,
                parsed.adapterId(),
                RejectReason.EMPTY_CONTENT,
                normalized.empty()));
      }
      return List.of(
          lineRow(
              source,
              number,
              raw,
              parsed.adapterId(),
              PrepareColumns.KEPT,
              null,
              null,
              normalized.conversation(),
              normalized.exampleId()));
    }
    Row[] rows = new Row[messages.size()];
    for (int i = 0; i < rows.length; i++) {
      Message message = messages.get(i);
      boolean first = i == 0;
      rows[i] =
          RowFactory.create(
              first ? source : null,
              number,
              first ? raw : null,
              first ? parsed.adapterId() : null,
              first ? parsed.tools() : null,
              PrepareColumns.KEPT,
              null,
              null,
              rows.length,
              message.role(),
              message.content(),
              message.toolCalls(),
              message.extra(),
              mayChange[i],
              null,
              null);
    }
    return List.of(rows);
  }

  private static Row reject(
      String source, long line, byte[] raw, String adapterId, RejectReason reason, String detail) {
    return lineRow(
        source, line, raw, adapterId, PrepareColumns.REJECTED, reason.name(), detail, null, null);
  }

  /** A line's only row: no message rows (blank, rejected, or kept and normalized already). */
  private static Row lineRow(
      String source,
      long line,
      byte[] raw,
      String adapterId,
      String status,
      String reason,
      String detail,
      byte[] conversation,
      String exampleId) {
    return RowFactory.create(
        source,
        line,
        raw,
        adapterId,
        null,
        status,
        reason,
        detail,
        0,
        null,
        null,
        null,
        null,
        false,
        conversation,
        exampleId);
  }

  /**
   * The line as UTF-8, cut to {@link PreparedLayout#MAX_RAW_BYTES} bytes on a character edge. A
   * lone surrogate becomes {@code ?}, as when Spark stores a string.
   */
  static byte[] cut(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    if (bytes.length <= PreparedLayout.MAX_RAW_BYTES) {
      return bytes;
    }
    int end = PreparedLayout.MAX_RAW_BYTES;
    while (end > 0 && (bytes[end] & 0xC0) == 0x80) {
      end--; // back off continuation bytes so the cut falls between characters
    }
    return Arrays.copyOf(bytes, end);
  }
}
