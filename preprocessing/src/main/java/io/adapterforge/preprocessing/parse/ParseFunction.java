package io.adapterforge.preprocessing.parse;

import io.adapterforge.dataset.PreparedLayout;
import io.adapterforge.preprocessing.PrepareColumns;
import io.adapterforge.preprocessing.RejectReason;
import io.adapterforge.preprocessing.read.CorpusReader;
import java.nio.charset.StandardCharsets;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Turns lines ({@link CorpusReader#SCHEMA}) into parsed rows ({@link PrepareColumns#PARSED}): blank
 * lines are marked {@code blank}, unreadable and unparsable lines {@code rejected} with their
 * reason; the rest carry their messages. Captures only the adapter field name.
 */
public final class ParseFunction implements MapFunction<Row, Row> {
  private static final long serialVersionUID = 1L;

  private final ConversationParser parser;

  public ParseFunction(String adapterField) {
    this.parser = new ConversationParser(adapterField);
  }

  @Override
  public Row call(Row line) {
    return parse(parser, line);
  }

  static Row parse(ConversationParser parser, Row line) {
    String source = line.getString(0);
    long number = line.getLong(1);
    String folderAdapter = line.getString(2);
    String text = line.getString(3);
    String error = line.getString(4);
    if (error != null) {
      return reject(source, number, null, folderAdapter, RejectReason.UNREADABLE_FILE, error);
    }
    if (text.isBlank()) {
      return RowFactory.create(
          source, number, null, folderAdapter, null, null, null, PrepareColumns.BLANK, null, null);
    }
    String raw = cut(text);
    ParsedLine parsed = parser.parse(text, folderAdapter);
    if (parsed.isReject()) {
      return reject(source, number, raw, parsed.adapterId(), parsed.reason(), parsed.detail());
    }
    // Spark's row encoder takes arrays (or Scala sequences), not java.util.List.
    Row[] messages = new Row[parsed.messages().size()];
    for (int i = 0; i < messages.length; i++) {
      Message message = parsed.messages().get(i);
      messages[i] =
          RowFactory.create(
              message.role(), message.content(), message.toolCalls(), message.extra());
    }
    return RowFactory.create(
        source,
        number,
        raw,
        parsed.adapterId(),
        parsed.format(),
        messages,
        parsed.tools(),
        PrepareColumns.KEPT,
        null,
        null);
  }

  private static Row reject(
      String source, long line, String raw, String adapterId, RejectReason reason, String detail) {
    return RowFactory.create(
        source,
        line,
        raw,
        adapterId,
        null,
        null,
        null,
        PrepareColumns.REJECTED,
        reason.name(),
        detail);
  }

  /** The line cut to {@link PreparedLayout#MAX_RAW_BYTES} bytes of UTF-8, on a character edge. */
  static String cut(String text) {
    if (text.length() * 3L <= PreparedLayout.MAX_RAW_BYTES) {
      return text;
    }
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    if (bytes.length <= PreparedLayout.MAX_RAW_BYTES) {
      return text;
    }
    int end = PreparedLayout.MAX_RAW_BYTES;
    while (end > 0 && (bytes[end] & 0xC0) == 0x80) {
      end--; // back off continuation bytes so the cut falls between characters
    }
    return new String(bytes, 0, end, StandardCharsets.UTF_8);
  }
}
