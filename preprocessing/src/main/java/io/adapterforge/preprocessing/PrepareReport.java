package io.adapterforge.preprocessing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.adapterforge.dataset.PreparedLayout;
import io.adapterforge.preprocessing.split.Splitter.Promotion;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The prepare report ({@code report.json}): per adapter and split, rows, tokens and trained tokens;
 * per adapter, lines, duplicates removed and rejects by reason; totals; and the books: lines read
 * (counted on the input, independently) must equal rows written + rejects + duplicates + blank
 * lines. Only aggregates are collected to the driver.
 */
public final class PrepareReport {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ObjectNode root;

  private PrepareReport(ObjectNode root) {
    this.root = root;
  }

  /**
   * Aggregates the pipeline's output.
   *
   * @param prepared the rows {@link PreparePipeline#apply} returned
   * @param linesRead lines in the input, counted separately
   * @param metadata fingerprints, inputs and config to record as they are
   */
  public static PrepareReport compute(Dataset<Row> prepared, long linesRead, JsonNode metadata) {
    return compute(PrepareTally.of(prepared), List.of(), linesRead, metadata);
  }

  /**
   * The report from a tally of the rows before test-row promotion and the promotions made.
   *
   * @param tally the tally of the rows {@link PreparePipeline#encode} returned
   * @param promotions the rows moved to test since
   * @param linesRead lines in the input, counted separately
   * @param metadata fingerprints, inputs and config to record as they are
   */
  public static PrepareReport compute(
      PrepareTally tally, List<Promotion> promotions, long linesRead, JsonNode metadata) {
    Map<String, ObjectNode> adapters = new TreeMap<>();
    Counts totals = new Counts();
    for (PrepareTally.Group group : tally.groups()) {
      String adapter = group.adapterId();
      String status = group.status();
      String split = group.split();
      String reason = group.reason();
      long n = group.rows();
      long tokens = group.tokens();
      long lossTokens = group.lossTokens();
      totals.add(status, n, tokens, lossTokens);
      if (PrepareColumns.BLANK.equals(status)) {
        continue;
      }
      ObjectNode node = adapters.computeIfAbsent(adapter, k -> emptyAdapter());
      node.put("lines", node.get("lines").asLong() + n);
      switch (status) {
        case PrepareColumns.KEPT -> {
          node.put("rows", node.get("rows").asLong() + n);
          ObjectNode splitNode = (ObjectNode) node.get("splits").get(split);
          splitNode.put("rows", splitNode.get("rows").asLong() + n);
          splitNode.put("tokens", splitNode.get("tokens").asLong() + tokens);
          splitNode.put("loss_tokens", splitNode.get("loss_tokens").asLong() + lossTokens);
        }
        case PrepareColumns.DUPLICATE ->
            node.put("duplicates", node.get("duplicates").asLong() + n);
        case PrepareColumns.NEAR_DUPLICATE ->
            node.put("near_duplicates", node.get("near_duplicates").asLong() + n);
        case PrepareColumns.REJECTED -> {
          ObjectNode rejects = (ObjectNode) node.get("rejects");
          rejects.put(reason, rejects.path(reason).asLong(0) + n);
          totals.reject(reason, n);
        }
        default -> throw new IllegalStateException("Unknown row status " + status);
      }
    }
    for (Promotion promotion : promotions) {
      JsonNode splits = adapters.get(promotion.adapterId()).get("splits");
      move((ObjectNode) splits.get(promotion.fromSplit()), -1, promotion);
      move((ObjectNode) splits.get(PreparedLayout.TEST), 1, promotion);
    }
    ObjectNode root = JSON.createObjectNode();
    root.setAll((ObjectNode) metadata);
    ObjectNode total = root.putObject("totals");
    total.put("lines_read", linesRead);
    total.put("blank_lines", totals.blank);
    total.put("rows", totals.kept);
    total.put("rejects", totals.rejected);
    total.put("duplicates", totals.duplicates);
    total.put("near_duplicates", totals.nearDuplicates);
    total.put("tokens", totals.tokens);
    total.put("loss_tokens", totals.lossTokens);
    long accounted =
        totals.kept + totals.rejected + totals.duplicates + totals.nearDuplicates + totals.blank;
    total.put("books_balance", accounted == linesRead);
    ObjectNode byReason = root.putObject("rejects_by_reason");
    totals.byReason.forEach(byReason::put);
    ObjectNode adapterNode = root.putObject("adapters");
    adapters.forEach(adapterNode::set);
    return new PrepareReport(root);
  }

  private static void move(ObjectNode split, int sign, Promotion promotion) {
    split.put("rows", split.get("rows").asLong() + sign);
    split.put("tokens", split.get("tokens").asLong() + sign * promotion.tokens());
    split.put("loss_tokens", split.get("loss_tokens").asLong() + sign * promotion.lossTokens());
  }

  private static ObjectNode emptyAdapter() {
    ObjectNode node = JSON.createObjectNode();
    node.put("lines", 0L);
    node.put("rows", 0L);
    node.put("duplicates", 0L);
    node.put("near_duplicates", 0L);
    node.putObject("rejects");
    ObjectNode splits = node.putObject("splits");
    for (String split : PreparedLayout.SPLITS) {
      ObjectNode s = splits.putObject(split);
      s.put("rows", 0L);
      s.put("tokens", 0L);
      s.put("loss_tokens", 0L);
    }
    return node;
  }

  public JsonNode json() {
    return root;
  }

  /** True when every line read is accounted for. */
  public boolean booksBalance() {
    return root.path("totals").path("books_balance").asBoolean();
  }

  /** The totals line people read at the end of a run. */
  public String summary() {
    JsonNode t = root.path("totals");
    return String.format(
        "%d lines read: %d rows (%d tokens, %d trained), %d rejects, %d duplicates, %d near"
            + " duplicates, %d blank; %d adapters",
        t.path("lines_read").asLong(),
        t.path("rows").asLong(),
        t.path("tokens").asLong(),
        t.path("loss_tokens").asLong(),
        t.path("rejects").asLong(),
        t.path("duplicates").asLong(),
        t.path("near_duplicates").asLong(),
        t.path("blank_lines").asLong(),
        root.path("adapters").size());
  }

  private static final class Counts {
    long kept;
    long rejected;
    long duplicates;
    long nearDuplicates;
    long blank;
    long tokens;
    long lossTokens;
    final Map<String, Long> byReason = new TreeMap<>();

    void add(String status, long n, long tokens, long lossTokens) {
      switch (status) {
        case PrepareColumns.KEPT -> {
          kept += n;
          this.tokens += tokens;
          this.lossTokens += lossTokens;
        }
        case PrepareColumns.REJECTED -> rejected += n;
        case PrepareColumns.DUPLICATE -> duplicates += n;
        case PrepareColumns.NEAR_DUPLICATE -> nearDuplicates += n;
        case PrepareColumns.BLANK -> blank += n;
        default -> throw new IllegalStateException("Unknown row status " + status);
      }
    }

    void reject(String reason, long n) {
      byReason.merge(reason, n, Long::sum);
    }
  }
}
