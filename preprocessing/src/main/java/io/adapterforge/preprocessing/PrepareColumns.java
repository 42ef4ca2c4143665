package io.adapterforge.preprocessing;

import static io.adapterforge.dataset.PreparedLayout.ADAPTER_ID;
import static io.adapterforge.dataset.PreparedLayout.CONVERSATION;
import static io.adapterforge.dataset.PreparedLayout.DETAIL;
import static io.adapterforge.dataset.PreparedLayout.EXAMPLE_ID;
import static io.adapterforge.dataset.PreparedLayout.LINE;
import static io.adapterforge.dataset.PreparedLayout.RAW;
import static io.adapterforge.dataset.PreparedLayout.REASON;
import static io.adapterforge.dataset.PreparedLayout.SOURCE;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Columns of the rows that flow between the prepare steps. Every line read stays one row until the
 * end (between parsing and normalizing, one row per message of it), with a {@link #STATUS}: kept
 * rows become training data, the others are counted or written as rejects, so the books always
 * balance.
 */
public final class PrepareColumns {
  /** {@code blank}, {@code rejected}, {@code duplicate}, {@code near_duplicate} or {@code kept}. */
  public static final String STATUS = "status";

  public static final String TOOLS = "tools";

  /**
   * Message rows of the line; 0 for a line without any: blank, rejected, or normalized already by
   * the parser because cleaning would change none of its messages.
   */
  public static final String MESSAGE_COUNT = "message_count";

  public static final String ROLE = "role";
  public static final String CONTENT = "content";

  /** A message's tool calls as JSON, or null. */
  public static final String TOOL_CALLS = "tool_calls";

  /** A message's fields other than role, content and tool calls, as a JSON object, or null. */
  public static final String EXTRA = "extra";

  /**
   * Whether cleaning may change a message's {@link #CONTENT} ({@link
   * io.adapterforge.preprocessing.clean.Cleaning#mayChange}); false rows skip the cleaning.
   */
  public static final String MAY_CHANGE = "may_change";

  public static final String BLANK = "blank";
  public static final String REJECTED = "rejected";
  public static final String DUPLICATE = "duplicate";
  public static final String NEAR_DUPLICATE = "near_duplicate";
  public static final String KEPT = "kept";

  /**
   * Rows after parsing (the first step): for a line with a message that cleaning may change ({@link
   * #MAY_CHANGE}), one per message, in the order of the conversation, so that cleaning is a plain
   * column expression on {@link #CONTENT}. Any other line is a single row with {@link
   * #MESSAGE_COUNT} 0 and null message columns: blank, rejected, or kept with its normalized {@code
   * conversation} and {@code example_id} already (the parser holds the messages as Java strings, so
   * the common line that needs no cleaning skips the message rows altogether). {@code line}, {@code
   * status} and the message count are on every row of a line; the other line columns ({@code
   * source}, {@code raw}, {@code adapter_id}, {@code tools}, {@code reason}, {@code detail}) only
   * on its first. Between the steps {@code raw} is the line's UTF-8 bytes (cut at 64 KiB): it only
   * travels, and bytes travel without being decoded and encoded again at each step.
   */
  public static final StructType MESSAGE_ROWS =
      new StructType()
          .add(SOURCE, DataTypes.StringType, true)
          .add(LINE, DataTypes.LongType, false)
          .add(RAW, DataTypes.BinaryType, true)
          .add(ADAPTER_ID, DataTypes.StringType, true)
          .add(TOOLS, DataTypes.StringType, true)
          .add(STATUS, DataTypes.StringType, false)
          .add(REASON, DataTypes.StringType, true)
          .add(DETAIL, DataTypes.StringType, true)
          .add(MESSAGE_COUNT, DataTypes.IntegerType, false)
          .add(ROLE, DataTypes.StringType, true)
          .add(CONTENT, DataTypes.StringType, true)
          .add(TOOL_CALLS, DataTypes.StringType, true)
          .add(EXTRA, DataTypes.StringType, true)
          .add(MAY_CHANGE, DataTypes.BooleanType, false)
          .add(CONVERSATION, DataTypes.BinaryType, true)
          .add(EXAMPLE_ID, DataTypes.StringType, true);

  /**
   * Rows after normalizing: one per line again, kept ones with the conversation JSON and its hash,
   * the example id. {@code raw} and {@code conversation} are UTF-8 bytes, to the end of the
   * pipeline ({@link PreparedOutputs} writes them as strings): bytes travel between steps without
   * being decoded and encoded again, and Spark's cache stores them without trying to compress them.
   */
  public static final StructType NORMALIZED =
      new StructType()
          .add(SOURCE, DataTypes.StringType, false)
          .add(LINE, DataTypes.LongType, false)
          .add(RAW, DataTypes.BinaryType, true)
          .add(ADAPTER_ID, DataTypes.StringType, true)
          .add(STATUS, DataTypes.StringType, false)
          .add(REASON, DataTypes.StringType, true)
          .add(DETAIL, DataTypes.StringType, true)
          .add(CONVERSATION, DataTypes.BinaryType, true)
          .add(EXAMPLE_ID, DataTypes.StringType, true);

  private PrepareColumns() {}
}
