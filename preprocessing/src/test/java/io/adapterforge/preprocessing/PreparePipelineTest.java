package io.adapterforge.preprocessing;

import static io.adapterforge.dataset.PreparedLayout.ADAPTER_ID;
import static io.adapterforge.dataset.PreparedLayout.DETAIL;
import static io.adapterforge.dataset.PreparedLayout.EXAMPLE_ID;
import static io.adapterforge.dataset.PreparedLayout.INPUT_IDS;
import static io.adapterforge.dataset.PreparedLayout.LABELS;
import static io.adapterforge.dataset.PreparedLayout.REASON;
import static io.adapterforge.dataset.PreparedLayout.SPLIT;
import static io.adapterforge.preprocessing.PrepareColumns.STATUS;
import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.adapterforge.config.PrepareConfig;
import io.adapterforge.preprocessing.read.CorpusReader;
import io.adapterforge.preprocessing.read.RawLine;
import io.adapterforge.testing.LocalSparkExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LocalSparkExtension.class)
class PreparePipelineTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static Dataset<Row> lines(SparkSession spark, List<String> texts) {
    List<RawLine> lines = new ArrayList<>();
    for (int i = 0; i < texts.size(); i++) {
      lines.add(new RawLine("file:/corpus/part-0.jsonl", i + 1, null, texts.get(i), null));
    }
    return CorpusReader.fromLines(spark, lines);
  }

  @Test
  void quarantinesEveryReasonAndBalancesTheBooks(SparkSession spark) {
    PrepareConfig config = PrepareFixtures.config("prepare.max-seq-length=256");
    List<String> corpus = PrepareFixtures.mixedCorpus();
    Dataset<Row> prepared =
        PreparePipeline.apply(
                lines(spark, corpus), config, PrepareFixtures.gemmaSpec(spark, config))
            .persist(StorageLevel.MEMORY_ONLY());

    Map<String, String> rejects = new TreeMap<>();
    for (Row row :
        prepared
            .where(col(STATUS).equalTo(PrepareColumns.REJECTED))
            .select(REASON, DETAIL)
            .collectAsList()) {
      assertThat(rejects.put(row.getString(0), row.getString(1)))
          .as("one line per reason: %s (%s)", row.getString(0), row.getString(1))
          .isNull();
    }
    assertThat(rejects.keySet())
        .containsExactlyInAnyOrder(
            "MALFORMED_JSON",
            "UNKNOWN_FORMAT",
            "BAD_ROLE",
            "EMPTY_CONTENT",
            "NO_ASSISTANT_TURN",
            "TEMPLATE_ERROR",
            "TOO_LONG",
            "BAD_ADAPTER_ID",
            "NO_TRAINED_TOKENS");
    assertThat(rejects.get("TEMPLATE_ERROR"))
        .contains("Conversation roles must alternate user/assistant/user/assistant");
    assertThat(rejects.get("BAD_ROLE")).contains("role 'narrator'");
    assertThat(rejects.get("TOO_LONG")).endsWith("tokens; prepare.max-seq-length is 256");
    assertThat(rejects.get("BAD_ADAPTER_ID")).contains("'Tenant_A' must match");

    JsonNode report =
        PrepareReport.compute(prepared, corpus.size(), JSON.createObjectNode()).json();
    JsonNode totals = report.get("totals");
    assertThat(totals.get("lines_read").asLong()).isEqualTo(corpus.size());
    assertThat(totals.get("rows").asLong()).isEqualTo(6);
    assertThat(totals.get("duplicates").asLong()).isEqualTo(1);
    assertThat(totals.get("blank_lines").asLong()).isEqualTo(1);
    assertThat(totals.get("rejects").asLong()).isEqualTo(9);
    assertThat(totals.get("books_balance").asBoolean()).isTrue();
    JsonNode alpha = report.get("adapters").get("alpha");
    assertThat(alpha.get("rows").asLong()).isEqualTo(2);
    assertThat(alpha.get("duplicates").asLong()).isEqualTo(1);
    assertThat(alpha.get("lines").asLong())
        .isEqualTo(alpha.get("rows").asLong() + alpha.get("duplicates").asLong() + 7);
    assertThat(report.get("adapters").get("beta").get("rows").asLong()).isEqualTo(4);
    assertThat(report.get("adapters").get("Tenant_A").get("rejects").get("BAD_ADAPTER_ID").asLong())
        .isEqualTo(1);
    prepared.unpersist();
  }

  @Test
  void sameRowsWhateverThePartitioning(SparkSession spark) {
    List<String> corpus = new ArrayList<>(PrepareFixtures.mixedCorpus());
    for (int i = 0; i < 30; i++) {
      corpus.add(PrepareFixtures.chat("gamma", "Question " + i + " 🌍", "Answer " + i));
    }
    List<String> one = keptRows(spark, corpus, "prepare.partitions=1");
    List<String> four = keptRows(spark, corpus, "prepare.partitions=4");

    assertThat(one).hasSize(6 + 30).isEqualTo(four);
  }

  @Test
  void splitIsAPureFunctionOfTheExampleAndKeepsATestRow(SparkSession spark) {
    List<String> corpus = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      corpus.add(PrepareFixtures.chat("delta", "Q" + i, "A" + i));
    }
    PrepareConfig noTestSlice =
        PrepareFixtures.config("prepare.split.test=0", "prepare.split.validation=0.2");
    Map<String, String> first = splits(spark, corpus, noTestSlice);
    Map<String, String> again = splits(spark, corpus.subList(0, 24), noTestSlice);

    // With a zero test fraction the adapter (25 rows >= 20) still gets exactly one test row.
    assertThat(first.values().stream().filter("test"::equals).count()).isEqualTo(1);
    assertThat(first.values()).contains("validation", "train");
    // Every row of the smaller run keeps its split, except the promoted test row may move.
    again.forEach(
        (id, split) -> {
          if (!first.get(id).equals("test")) {
            assertThat(split).as("split of %s", id).isEqualTo(first.get(id));
          }
        });
  }

  @Test
  void masksOnlyAssistantTokens(SparkSession spark) {
    PrepareConfig config = PrepareFixtures.config();
    List<String> corpus =
        List.of(
            PrepareFixtures.chat(
                "alpha", "Repeat after me: Paris is the capital.", "Paris is the capital."));
    Row row =
        PreparePipeline.apply(
                lines(spark, corpus), config, PrepareFixtures.gemmaSpec(spark, config))
            .where(col(STATUS).equalTo(PrepareColumns.KEPT))
            .select(INPUT_IDS, LABELS)
            .first();
    List<Integer> ids = row.getList(0);
    List<Integer> labels = row.getList(1);
    List<Integer> trained = new ArrayList<>();
    for (int i = 0; i < ids.size(); i++) {
      if (labels.get(i) != -100) {
        assertThat(labels.get(i)).isEqualTo(ids.get(i));
        trained.add(i);
      }
    }
    // "Paris is the capital." plus <end_of_turn>, all at the end; the quote in the user turn is
    // not trained.
    assertThat(trained).isNotEmpty();
    assertThat(trained.get(trained.size() - 1)).isEqualTo(ids.size() - 2);
    assertThat(ids.get(ids.size() - 2)).isEqualTo(106); // <end_of_turn>
    for (int i = trained.get(0); i <= trained.get(trained.size() - 1); i++) {
      assertThat(trained).contains(i);
    }
    assertThat(trained.size()).isLessThan(10);
  }

  private static List<String> keptRows(SparkSession spark, List<String> corpus, String partitions) {
    PrepareConfig config = PrepareFixtures.config("prepare.max-seq-length=256", partitions);
    List<String> rows = new ArrayList<>();
    for (Row row :
        PreparePipeline.apply(
                lines(spark, corpus), config, PrepareFixtures.gemmaSpec(spark, config))
            .where(col(STATUS).equalTo(PrepareColumns.KEPT))
            .select(ADAPTER_ID, EXAMPLE_ID, SPLIT, INPUT_IDS, LABELS)
            .collectAsList()) {
      rows.add(row.toString());
    }
    rows.sort(String::compareTo);
    return rows;
  }

  private static Map<String, String> splits(
      SparkSession spark, List<String> corpus, PrepareConfig config) {
    Map<String, String> result = new TreeMap<>();
    for (Row row :
        PreparePipeline.apply(
                lines(spark, corpus), config, PrepareFixtures.gemmaSpec(spark, config))
            .where(col(STATUS).equalTo(PrepareColumns.KEPT))
            .select(EXAMPLE_ID, SPLIT)
            .collectAsList()) {
      result.put(row.getString(0), row.getString(1));
    }
    return result;
  }
}
