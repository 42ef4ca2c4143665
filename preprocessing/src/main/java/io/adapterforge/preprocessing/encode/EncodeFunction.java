package io.adapterforge.preprocessing.encode;

import io.adapterforge.dataset.PreparedLayout;
import io.adapterforge.preprocessing.PrepareColumns;
import io.adapterforge.preprocessing.TallyCounter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Encodes the kept rows of a partition: appends {@code input_ids}, {@code labels}, {@code
 * num_tokens} and {@code num_loss_tokens}, or turns the row into a reject (template error, too
 * long, no trained token). Reads the conversation as UTF-8 JSON bytes ({@link
 * io.adapterforge.preprocessing.PrepareColumns#NORMALIZED}) and passes it and the raw line on as
 * they are. One encoder per partition on the executor's shared tokenizer; rows are rendered, then
 * tokenized, then masked {@value #BATCH} at a time (by default). With a {@link TallyCounter}, it
 * also counts the rows it returns, once it has returned them all.
 */
public final class EncodeFunction implements MapPartitionsFunction<Row, Row> {
  private static final long serialVersionUID = 1L;

  /**
   * Rows rendered, tokenized and masked together by default: the tokenizer runs on a batch of texts
   * in a row instead of between the Java work of each row, which keeps its tables and code (and the
   * template's) in the CPU caches. Measured with perf on the prepare benchmark, against the
   * ceiling's threads in the same run: all executor-thread samples were 1.36 times the ceiling's
   * with batches of 64 rows, 1.22 with 512 and 1.10 with 2048; the tokenizer's, JNI's and malloc's
   * samples per token 8% above the ceiling's, then 5% and 13% below.
   */
  public static final int BATCH = 2048;

  private final EncodingSpec spec;
  private final TallyCounter counter;
  private final int batch;
  private final int width;
  private final int status;
  private final int adapterId;
  private final int conversation;
  private final int raw;
  private final int reason;
  private final int detail;
  private final int split;
  private final int exampleId;

  /**
   * @param spec what to encode with
   * @param input the schema of the rows it reads: the pipeline's columns up to the split
   * @param counter counts the rows returned (registered), or null for no counting
   */
  public EncodeFunction(EncodingSpec spec, StructType input, TallyCounter counter) {
    this(spec, input, counter, BATCH);
  }

  /**
   * As {@link #EncodeFunction(EncodingSpec, StructType, TallyCounter)}, with {@code batch} rows at
   * a time instead of {@value #BATCH}.
   */
  public EncodeFunction(EncodingSpec spec, StructType input, TallyCounter counter, int batch) {
    if (batch < 1) {
      throw new IllegalArgumentException("batch must be positive, not " + batch);
    }
    this.spec = spec;
    this.counter = counter;
    this.batch = batch;
    this.width = input.size();
    this.status = input.fieldIndex(PrepareColumns.STATUS);
    this.adapterId = input.fieldIndex(PreparedLayout.ADAPTER_ID);
    this.conversation = input.fieldIndex(PreparedLayout.CONVERSATION);
    this.raw = input.fieldIndex(PreparedLayout.RAW);
    this.reason = input.fieldIndex(PreparedLayout.REASON);
    this.detail = input.fieldIndex(PreparedLayout.DETAIL);
    this.split = input.fieldIndex(PreparedLayout.SPLIT);
    this.exampleId = input.fieldIndex(PreparedLayout.EXAMPLE_ID);
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
    TallyCounter.Partition counts = counter == null ? null : new TallyCounter.Partition();
    return new Iterator<>() {
      private final ArrayDeque<Row> ready = new ArrayDeque<>();
      private boolean counted;

      @Override
      public boolean hasNext() {
        boolean more = !ready.isEmpty() || rows.hasNext();
        if (!more && counts != null && !counted) {
          counter.add(counts);
          counted = true;
        }
        return more;
      }

      @Override
      public Row next() {
        if (ready.isEmpty()) {
          fill();
        }
        Row row = ready.poll();
        if (row == null) {
          throw new NoSuchElementException();
        }
        if (counts != null) {
          count(counts, row);
        }
        return row;
      }

      private void fill() {
        List<Row> in = new ArrayList<>(batch);
        List<ConversationEncoder.Rendered> rendered = new ArrayList<>(batch);
        while (in.size() < batch && rows.hasNext()) {
          Row row = rows.next();
          in.add(row);
          rendered.add(
              PrepareColumns.KEPT.equals(row.getString(status))
                  ? encoder.render(
                      (byte[]) row.get(conversation), spec.systemPrompt(row.getString(adapterId)))
                  : null);
        }
        for (ConversationEncoder.Rendered r : rendered) {
          if (r != null) {
            encoder.tokenize(r);
          }
        }
        for (int i = 0; i < in.size(); i++) {
          ConversationEncoder.Rendered r = rendered.get(i);
          ready.add(output(in.get(i), r == null ? null : encoder.mask(r)));
        }
      }
    };
  }

  private void count(TallyCounter.Partition counts, Row row) {
    counts.add(
        row.getString(adapterId),
        row.getString(status),
        row.getString(split),
        row.getString(reason),
        (Integer) row.get(width + 2),
        (Integer) row.get(width + 3),
        row.getString(exampleId));
  }

  private Row output(Row row, EncodedRow encoded) {
    Object[] values = new Object[width + 4];
    for (int i = 0; i < width; i++) {
      values[i] = row.get(i);
    }
    if (encoded == null) {
      return RowFactory.create(values);
    }
    if (encoded.isReject()) {
      values[status] = PrepareColumns.REJECTED;
      values[reason] = encoded.reason().name();
      values[detail] = encoded.detail();
      values[split] = null;
      return RowFactory.create(values);
    }
    // The raw line is only kept for rejects; a kept row carries its normalized conversation.
    values[raw] = null;
    values[width] = encoded.inputIds();
    values[width + 1] = encoded.labels();
    values[width + 2] = encoded.inputIds().length;
    values[width + 3] = encoded.numLossTokens();
    return RowFactory.create(values);
  }
}
