package io.adapterforge.preprocessing.encode;

import io.adapterforge.dataset.PreparedLayout;
import io.adapterforge.preprocessing.PrepareColumns;
import java.util.Iterator;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Encodes the kept rows of a partition: appends {@code input_ids}, {@code labels}, {@code
 * num_tokens} and {@code num_loss_tokens}, or turns the row into a reject (template error, too
 * long, no trained token). One encoder per partition on the executor's shared tokenizer.
 */
public final class EncodeFunction implements MapPartitionsFunction<Row, Row> {
  private static final long serialVersionUID = 1L;

  private final EncodingSpec spec;

  public EncodeFunction(EncodingSpec spec) {
    this.spec = spec;
  }

  /** The schema of the rows this function returns, given the schema it reads. */
  public static StructType outputSchema(StructType input) {
    return input
        .add(
            PreparedLayout.INPUT_IDS, DataTypes.createArrayType(DataTypes.IntegerType, false), true)
        .add(PreparedLayout.LABELS, DataTypes.createArrayType(DataTypes.IntegerType, false), true)
        .add(PreparedLayout.NUM_TOKENS, DataTypes.IntegerType, true)
        .add(PreparedLayout.NUM_LOSS_TOKENS, DataTypes.IntegerType, true);
  }

  @Override
  public Iterator<Row> call(Iterator<Row> rows) {
    ConversationEncoder encoder = spec.newEncoder();
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return rows.hasNext();
      }

      @Override
      public Row next() {
        return encode(encoder, rows.next());
      }
    };
  }

  private Row encode(ConversationEncoder encoder, Row row) {
    int width = row.length();
    Object[] values = new Object[width + 4];
    for (int i = 0; i < width; i++) {
      values[i] = row.get(i);
    }
    if (!PrepareColumns.KEPT.equals(row.getAs(PrepareColumns.STATUS))) {
      return RowFactory.create(values);
    }
    String adapterId = row.getAs(PreparedLayout.ADAPTER_ID);
    EncodedRow encoded =
        encoder.encode(row.getAs(PreparedLayout.CONVERSATION), spec.systemPrompt(adapterId));
    if (encoded.isReject()) {
      values[row.fieldIndex(PrepareColumns.STATUS)] = PrepareColumns.REJECTED;
      values[row.fieldIndex(PreparedLayout.REASON)] = encoded.reason().name();
      values[row.fieldIndex(PreparedLayout.DETAIL)] = encoded.detail();
      values[row.fieldIndex(PreparedLayout.SPLIT)] = null;
      return RowFactory.create(values);
    }
    // The raw line is only kept for rejects; a kept row carries its normalized conversation.
    values[row.fieldIndex(PreparedLayout.RAW)] = null;
    values[width] = encoded.inputIds();
    values[width + 1] = encoded.labels();
    values[width + 2] = encoded.inputIds().length;
    values[width + 3] = encoded.numLossTokens();
    return RowFactory.create(values);
  }
}
