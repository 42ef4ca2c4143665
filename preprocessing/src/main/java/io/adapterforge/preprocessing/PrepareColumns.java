package io.adapterforge.preprocessing;

import static io.adapterforge.dataset.PreparedLayout.ADAPTER_ID;
import static io.adapterforge.dataset.PreparedLayout.CONVERSATION;
import static io.adapterforge.dataset.PreparedLayout.DETAIL;
import static io.adapterforge.dataset.PreparedLayout.EXAMPLE_ID;
import static io.adapterforge.dataset.PreparedLayout.LINE;
import static io.adapterforge.dataset.PreparedLayout.RAW;
import static io.adapterforge.dataset.PreparedLayout.REASON;
import static io.adapterforge.dataset.PreparedLayout.SOURCE;

import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Columns of the rows that flow between the prepare steps. Every line read stays one row until the
 * end, with a {@link #STATUS}: kept rows become training data, the others are counted or written as
 * rejects, so the books always balance.
 */
public final class PrepareColumns {
  /** {@code blank}, {@code rejected}, {@code duplicate}, {@code near_duplicate} or {@code kept}. */
  public static final String STATUS = "status";

  public static final String MESSAGES = "messages";
  public static final String TOOLS = "tools";
  public static final String FORMAT = "format";

  public static final String BLANK = "blank";
  public static final String REJECTED = "rejected";
  public static final String DUPLICATE = "duplicate";
  public static final String NEAR_DUPLICATE = "near_duplicate";
  public static final String KEPT = "kept";

  /** One message: role, content, tool_calls (JSON or null), extra fields (JSON object or null). */
  public static final StructType MESSAGE =
      new StructType()
          .add("role", DataTypes.StringType, false)
          .add("content", DataTypes.StringType, false)
          .add("tool_calls", DataTypes.StringType, true)
          .add("extra", DataTypes.StringType, true);

  public static final ArrayType MESSAGES_TYPE = DataTypes.createArrayType(MESSAGE, false);

  /** Rows after parsing (the first step). */
  public static final StructType PARSED =
      new StructType()
          .add(SOURCE, DataTypes.StringType, false)
          .add(LINE, DataTypes.LongType, false)
          .add(RAW, DataTypes.StringType, true)
          .add(ADAPTER_ID, DataTypes.StringType, true)
          .add(FORMAT, DataTypes.StringType, true)
          .add(MESSAGES, MESSAGES_TYPE, true)
          .add(TOOLS, DataTypes.StringType, true)
          .add(STATUS, DataTypes.StringType, false)
          .add(REASON, DataTypes.StringType, true)
          .add(DETAIL, DataTypes.StringType, true);

  /** Rows after normalizing: the conversation JSON and its hash are added. */
  public static final StructType NORMALIZED =
      PARSED
          .add(CONVERSATION, DataTypes.StringType, true)
          .add(EXAMPLE_ID, DataTypes.StringType, true);

  private PrepareColumns() {}
}
