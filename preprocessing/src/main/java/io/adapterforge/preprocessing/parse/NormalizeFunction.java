package io.adapterforge.preprocessing.parse;

import io.adapterforge.preprocessing.PrepareColumns;
import io.adapterforge.preprocessing.RejectReason;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * After cleaning: rejects conversations with an empty message ({@code EMPTY_CONTENT}) and adds the
 * normalized conversation JSON and its hash, the example id ({@link PrepareColumns#NORMALIZED}).
 * Other rows pass through unchanged. Stateless.
 */
public final class NormalizeFunction implements MapFunction<Row, Row> {
  private static final long serialVersionUID = 1L;

  @Override
  public Row call(Row row) {
    return normalize(row);
  }

  static Row normalize(Row row) {
    int width = row.length();
    Object[] values = new Object[width + 2];
    for (int i = 0; i < width; i++) {
      values[i] = row.get(i);
    }
    if (!PrepareColumns.KEPT.equals(row.getAs(PrepareColumns.STATUS))) {
      return RowFactory.create(values);
    }
    List<Row> rawMessages = row.getList(row.fieldIndex(PrepareColumns.MESSAGES));
    List<Message> messages = new ArrayList<>(rawMessages.size());
    for (int i = 0; i < rawMessages.size(); i++) {
      Row m = rawMessages.get(i);
      Message message = new Message(m.getString(0), m.getString(1), m.getString(2), m.getString(3));
      if (message.content().isEmpty() && message.toolCalls() == null) {
        values[row.fieldIndex(PrepareColumns.STATUS)] = PrepareColumns.REJECTED;
        values[row.fieldIndex("reason")] = RejectReason.EMPTY_CONTENT.name();
        values[row.fieldIndex("detail")] =
            "message " + i + " (" + message.role() + ") is empty after cleaning";
        return RowFactory.create(values);
      }
      messages.add(message);
    }
    String conversation =
        ConversationParser.normalizedJson(messages, row.getAs(PrepareColumns.TOOLS));
    values[width] = conversation;
    values[width + 1] = ConversationParser.exampleId(conversation);
    return RowFactory.create(values);
  }
}
