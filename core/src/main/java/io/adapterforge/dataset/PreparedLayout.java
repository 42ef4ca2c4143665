package io.adapterforge.dataset;

import java.util.List;

/**
 * Layout of a prepared dataset folder:
 *
 * <pre>
 * &lt;prepared&gt;/data/adapter_id=&lt;id&gt;/split=&lt;train|validation|test&gt;/part-*.parquet
 * &lt;prepared&gt;/rejects/part-*.parquet
 * &lt;prepared&gt;/report.json
 * </pre>
 *
 * Data columns: {@code example_id string, conversation string, input_ids array<int>, labels
 * array<int>, num_tokens int, num_loss_tokens int, source string}, partitioned by {@code
 * adapter_id} and {@code split}. Reject columns: {@code source, line, adapter_id, raw, reason,
 * detail}.
 */
public final class PreparedLayout {
  public static final String DATA_DIR = "data";
  public static final String REJECTS_DIR = "rejects";
  public static final String REPORT_FILE = "report.json";

  public static final String ADAPTER_ID = "adapter_id";
  public static final String SPLIT = "split";
  public static final String EXAMPLE_ID = "example_id";
  public static final String CONVERSATION = "conversation";
  public static final String INPUT_IDS = "input_ids";
  public static final String LABELS = "labels";
  public static final String NUM_TOKENS = "num_tokens";
  public static final String NUM_LOSS_TOKENS = "num_loss_tokens";
  public static final String SOURCE = "source";

  public static final String LINE = "line";
  public static final String RAW = "raw";
  public static final String REASON = "reason";
  public static final String DETAIL = "detail";

  /** Label of a token that is not trained (Hugging Face's ignore index). */
  public static final int IGNORE_INDEX = -100;

  public static final String TRAIN = "train";
  public static final String VALIDATION = "validation";
  public static final String TEST = "test";
  public static final List<String> SPLITS = List.of(TRAIN, VALIDATION, TEST);

  /** Raw lines are cut to this many bytes (UTF-8) in reject rows. */
  public static final int MAX_RAW_BYTES = 64 * 1024;

  private PreparedLayout() {}
}
