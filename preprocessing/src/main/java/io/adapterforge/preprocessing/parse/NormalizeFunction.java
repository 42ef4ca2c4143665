package io.adapterforge.preprocessing.parse;

import io.adapterforge.preprocessing.PrepareColumns;
import io.adapterforge.preprocessing.RejectReason;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * After cleaning: folds the message rows of each line ({@link PrepareColumns#MESSAGE_ROWS}) back
 * into one row ({@link PrepareColumns#NORMALIZED}), rejects conversations with an empty message
 * ({@code EMPTY_CONTENT}) and adds the normalized conversation JSON (UTF-8) and its hash, the
 * example id. Lines without message rows (blank, rejected, or normalized by the parser because
 * cleaning changes none of their messages) pass through. Relies on the rows of a line arriving
 * together and in order, as {@link ParseFunction} wrote them: only row-by-row projections may run
 * in between (no shuffle, filter or sort), which it checks as far as it can (the same line number,
 * and only the first row of a line names its source). Stateless.
 */
public final class NormalizeFunction implements MapPartitionsFunction<Row, Row> {
  private static final long serialVersionUID = 1L;

  private static final int SOURCE = 0;
  private static final int LINE = 1;
  private static final int RAW = 2;
  private static final int ADAPTER_ID = 3;
  private static final int TOOLS = 4;
  private static final int STATUS = 5;
  private static final int REASON = 6;
  private static final int DETAIL = 7;
  private static final int MESSAGE_COUNT = 8;
  private static final int ROLE = 9;
  private static final int CONTENT = 10;
  private static final int TOOL_CALLS = 11;
  private static final int EXTRA = 12;
  private static final int CONVERSATION = 14;
  private static final int EXAMPLE_ID = 15;

  @Override
  public Iterator<Row> call(Iterator<Row> rows) {
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return rows.hasNext();
      }

      @Override
      public Row next() {
        if (!rows.hasNext()) {
          throw new NoSuchElementException();
        }
        return normalize(rows);
      }
    };
  }

  /** Consumes the rows of one line from {@code rows} and returns its normalized row. */
  static Row normalize(Iterator<Row> rows) {
    Row first = rows.next();
    int count = first.getInt(MESSAGE_COUNT);
    if (count == 0) {
      // Blank, rejected, or normalized by the parser already.
      return line(
          first,
          first.getString(STATUS),
          first.getString(REASON),
          first.getString(DETAIL),
          (byte[]) first.get(CONVERSATION),
          first.getString(EXAMPLE_ID));
    }
    List<Message> messages = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      Row row = i == 0 ? first : nextOfSameLine(rows, first);
      messages.add(
          new Message(
              row.getString(ROLE),
              row.getString(CONTENT),
              row.getString(TOOL_CALLS),
              row.getString(EXTRA)));
    }
    Normalized normalized = normalized(messages, first.getString(TOOLS));
    if (normalized.empty() != null) {
      return line(
          first,
          PrepareColumns.REJECTED,
          RejectReason.EMPTY_CONTENT.name(),
          normalized.empty(),
          null,
          null);
    }
    return line(
        first, PrepareColumns.KEPT, null, null, normalized.conversation(), normalized.exampleId());
  }

  /**
   * A line's cleaned messages as the normalized conversation (UTF-8 JSON) and its hash, the example
   * id; or, when a message without tool calls is empty, why the line is an {@code EMPTY_CONTENT}
   * reject.
   *
   * @param empty null, or which message is empty
   */
  record Normalized(byte[] conversation, String exampleId, String empty) {}

  /** Normalizes cleaned messages; see {@link Normalized}. */
  static Normalized normalized(List<Message> messages, String tools) {
    for (int i = 0; i < messages.size(); i++) {
      Message message = messages.get(i);
      if (message.content().isEmpty() && message.toolCalls() == null) {
        return new Normalized(
            null, null, "message " + i + " (" + message.role() + ") is empty after cleaning");
      }
    }
    byte[] conversation =
        ConversationParser.normalizedJson(messages, tools).getBytes(StandardCharsets.UTF_8);
    return new Normalized(conversation, ConversationParser.exampleId(conversation), null);
  }

  private static Row nextOfSameLine(Iterator<Row> rows, Row first) {
    Row row = rows.hasNext() ? rows.next() : null;
    if (row == null || row.getLong(LINE) != first.getLong(LINE) || row.get(SOURCE) != null) {
      throw new IllegalStateException(
          "The message rows of "
              + first.get(SOURCE)
              + " line "
              + first.get(LINE)
              + " are not together: a step between parsing and normalizing reordered rows");
    }
    return row;
  }

  /** The line's normalized row: its first row's line columns with these. */
  private static Row line(
      Row first,
      String status,
      String reason,
      String detail,
      byte[] conversation,
      String exampleId) {
    return RowFactory.create(
        first.get(SOURCE),
        first.get(LINE),
        first.get(RAW),
        first.get(ADAPTER_ID),
        status,
        reason,
        detail,
        conversation,
        exampleId);
  }
}
