package io.adapterforge.preprocessing;

import static io.adapterforge.dataset.PreparedLayout.ADAPTER_ID;
import static io.adapterforge.dataset.PreparedLayout.CONVERSATION;
import static io.adapterforge.dataset.PreparedLayout.DETAIL;
import static io.adapterforge.dataset.PreparedLayout.EXAMPLE_ID;
import static io.adapterforge.dataset.PreparedLayout.INPUT_IDS;
import static io.adapterforge.dataset.PreparedLayout.LABELS;
import static io.adapterforge.dataset.PreparedLayout.LINE;
import static io.adapterforge.dataset.PreparedLayout.REASON;
import static io.adapterforge.dataset.PreparedLayout.SPLIT;
import static io.adapterforge.preprocessing.PrepareColumns.STATUS;
import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.adapterforge.config.InvalidConfigException;
import io.adapterforge.config.PrepareConfig;
import io.adapterforge.preprocessing.encode.ConversationEncoder;
import io.adapterforge.preprocessing.encode.EncodeFunction;
import io.adapterforge.preprocessing.encode.EncodedRow;
import io.adapterforge.preprocessing.encode.EncodingSpec;
import io.adapterforge.preprocessing.encode.TokenizerCache;
import io.adapterforge.preprocessing.read.CorpusReader;
import io.adapterforge.preprocessing.read.RawLine;
import io.adapterforge.preprocessing.split.Splitter;
import io.adapterforge.testing.LocalSparkExtension;
import io.adapterforge.testing.RealTokenizers;
import io.adapterforge.tokenizer.KnownTokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
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
  void sizesTheTokenizerPartitionsByTheInputUnlessConfigured(SparkSession spark) {
    PrepareConfig auto = PrepareFixtures.config();
    int cores = spark.sparkContext().defaultParallelism();
    int shuffle = Integer.parseInt(spark.conf().get("spark.sql.shuffle.partitions"));

    assertThat(PreparePipeline.partitions(spark, auto, 0)).isEqualTo(shuffle);
    assertThat(PreparePipeline.partitions(spark, auto, 100L << 20)).isEqualTo(25);
    assertThat(PreparePipeline.partitions(spark, auto, 10L << 30))
        .isEqualTo(PreparePipeline.PARTITIONS_PER_CORE * cores);
    assertThat(
            PreparePipeline.partitions(
                spark, PrepareFixtures.config("prepare.partitions=3"), 10L << 30))
        .isEqualTo(3);
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
  void reportsTheSameFromATallyAndItsPromotionsAsFromThePromotedRows(SparkSession spark) {
    List<String> corpus = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      corpus.add(PrepareFixtures.chat("delta", "Q" + i, "A" + i));
      corpus.add(PrepareFixtures.chat("epsilon", "Question " + i, "Answer " + i));
    }
    corpus.add(PrepareFixtures.chat("zeta", "Only", "one"));
    corpus.add("not json");
    PrepareConfig config =
        PrepareFixtures.config("prepare.split.test=0", "prepare.split.validation=0.2");
    Dataset<Row> encoded =
        PreparePipeline.encode(
                lines(spark, corpus), config, PrepareFixtures.gemmaSpec(spark, config))
            .persist(StorageLevel.MEMORY_ONLY());

    PrepareTally tally = PrepareTally.of(encoded);
    List<Splitter.Promotion> promotions = Splitter.promotions(tally, config.split());
    JsonNode fromTally =
        PrepareReport.compute(tally, promotions, corpus.size(), JSON.createObjectNode()).json();
    Dataset<Row> promoted = Splitter.promote(encoded, promotions);
    JsonNode fromRows =
        PrepareReport.compute(promoted, corpus.size(), JSON.createObjectNode()).json();

    assertThat(promotions)
        .extracting(Splitter.Promotion::adapterId)
        .containsExactly("delta", "epsilon");
    assertThat(promoted.where(col(SPLIT).equalTo("test")).count()).isEqualTo(2);
    assertThat(
            fromTally.get("adapters").get("delta").get("splits").get("test").get("rows").asLong())
        .isEqualTo(1);
    assertThat(fromTally).isEqualTo(fromRows);
    encoded.unpersist();
  }

  @Test
  void countsTheSameTallyWhileEncodingAsAnAggregateOfTheRows(SparkSession spark) {
    List<String> corpus = new ArrayList<>(PrepareFixtures.mixedCorpus());
    for (int i = 0; i < 30; i++) {
      corpus.add(PrepareFixtures.chat("gamma", "Question " + i, "Answer " + i));
    }
    PrepareConfig config = PrepareFixtures.config("prepare.max-seq-length=256");
    EncodingSpec spec = PrepareFixtures.gemmaSpec(spark, config);
    TallyCounter counter = TallyCounter.register(spark);
    Dataset<Row> encoded =
        PreparePipeline.encode(lines(spark, corpus), config, spec, 3, counter)
            .persist(StorageLevel.MEMORY_ONLY());
    encoded.write().format("noop").mode("overwrite").save();
    TallyCounter coalesced = TallyCounter.register(spark);
    PreparePipeline.encode(lines(spark, corpus), config, spec, 3, coalesced)
        .coalesce(1)
        .write()
        .format("noop")
        .mode("overwrite")
        .save();

    PrepareTally counted = counter.tally(3).orElseThrow();
    PrepareTally aggregated = PrepareTally.of(encoded);

    assertThat(counted.groups()).containsExactlyInAnyOrderElementsOf(aggregated.groups());
    assertThat(counted.groups())
        .extracting(PrepareTally.Group::status)
        .contains("kept", "rejected");
    assertThat(counter.tally(4)).isEmpty();
    // Coalesced into one task, the three partitions add up.
    assertThat(coalesced.tally(3)).isEmpty();
    assertThat(coalesced.tally(1).orElseThrow().groups())
        .containsExactlyInAnyOrderElementsOf(aggregated.groups());
    encoded.unpersist();
  }

  @Test
  void encodesInBatchesAsItWouldOneRowAtATimeInTheSameOrder(SparkSession spark) {
    List<String> corpus = new ArrayList<>(PrepareFixtures.mixedCorpus());
    int batch = 64;
    for (int i = 0; corpus.size() < 3 * batch + 7; i++) {
      corpus.add(PrepareFixtures.chat("gamma", "Question " + i, "Answer " + i + " 👍🏽"));
    }
    PrepareConfig config = PrepareFixtures.config("prepare.max-seq-length=256");
    EncodingSpec spec = PrepareFixtures.gemmaSpec(spark, config);
    Dataset<Row> split = PreparePipeline.split(lines(spark, corpus), config, 1);
    List<Row> input = split.collectAsList();
    StructType schema = split.schema();

    List<Row> output = new ArrayList<>();
    new EncodeFunction(spec, schema, null, batch)
        .call(input.iterator())
        .forEachRemaining(output::add);

    assertThat(output).hasSize(input.size());
    ConversationEncoder alone = spec.newEncoder();
    int status = schema.fieldIndex(STATUS);
    int width = schema.size();
    Set<String> outcomes = new HashSet<>();
    for (int i = 0; i < input.size(); i++) {
      Row in = input.get(i);
      Row out = output.get(i);
      assertThat(out.getLong(schema.fieldIndex(LINE)))
          .isEqualTo(in.getLong(schema.fieldIndex(LINE)));
      if (!PrepareColumns.KEPT.equals(in.getString(status))) {
        assertThat(out.getString(status)).isEqualTo(in.getString(status));
        continue;
      }
      EncodedRow expected =
          alone.encode(
              (byte[]) in.get(schema.fieldIndex(CONVERSATION)),
              spec.systemPrompt(in.getString(schema.fieldIndex(ADAPTER_ID))));
      if (expected.isReject()) {
        assertThat(out.getString(status)).isEqualTo(PrepareColumns.REJECTED);
        assertThat(out.getString(schema.fieldIndex(REASON))).isEqualTo(expected.reason().name());
        outcomes.add(expected.reason().name());
      } else {
        assertThat(out.getString(status)).isEqualTo(PrepareColumns.KEPT);
        assertThat((int[]) out.get(width)).containsExactly(expected.inputIds());
        assertThat((int[]) out.get(width + 1)).containsExactly(expected.labels());
        outcomes.add("kept");
      }
    }
    // Rows the encoder rejects sit between the kept ones in the same batches.
    assertThat(outcomes).contains("kept", "TEMPLATE_ERROR", "TOO_LONG");
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

  @Test
  void marksNearDuplicatesWhenEnabled(SparkSession spark) {
    String story =
        "The quick brown fox jumps over the lazy dog while the farmer watches from the porch and"
            + " the sun sets slowly behind the hills of the quiet valley near the river";
    List<String> corpus =
        List.of(
            PrepareFixtures.chat("alpha", "Tell me a story", story),
            PrepareFixtures.chat("alpha", "Tell me a story", story.replace("porch", "barn")),
            PrepareFixtures.chat("alpha", "What is the capital of France?", "Paris."),
            PrepareFixtures.chat("beta", "Tell me a story", story.replace("porch", "barn")));
    PrepareConfig config =
        PrepareFixtures.config(
            "prepare.dedup.near.enabled=true", "prepare.dedup.near.threshold=0.7");

    Map<String, Long> statuses = new TreeMap<>();
    for (Row row :
        PreparePipeline.apply(
                lines(spark, corpus), config, PrepareFixtures.gemmaSpec(spark, config))
            .groupBy(ADAPTER_ID, STATUS)
            .count()
            .collectAsList()) {
      statuses.put(row.getString(0) + "/" + row.getString(1), row.getLong(2));
    }

    assertThat(statuses)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("alpha/kept", 2L, "alpha/near_duplicate", 1L, "beta/kept", 1L));
  }

  @Test
  void addsSystemPromptsPerAdapterOrByDefault(SparkSession spark) throws Exception {
    PrepareConfig config = PrepareFixtures.config("prepare.system-prompt=Default rule.");
    EncodingSpec spec =
        EncodingSpec.create(
            JavaSparkContext.fromSparkContext(spark.sparkContext()),
            RealTokenizers.directory(KnownTokenizer.QWEN3),
            config,
            Map.of("alpha", "Отвечай кратко."));
    List<String> corpus =
        List.of(
            PrepareFixtures.chat("alpha", "Hi", "Hello"),
            PrepareFixtures.chat("beta", "Hi", "Hello"),
            "{\"adapter\":\"beta\",\"messages\":[{\"role\":\"system\",\"content\":\"Own.\"},"
                + "{\"role\":\"user\",\"content\":\"Hey\"},"
                + "{\"role\":\"assistant\",\"content\":\"Yo\"}]}");
    Map<String, String> decoded = new TreeMap<>();
    try (HuggingFaceTokenizer tokenizer =
        TokenizerCache.load(RealTokenizers.directory(KnownTokenizer.QWEN3))) {
      for (Row row :
          PreparePipeline.apply(lines(spark, corpus), config, spec)
              .where(col(STATUS).equalTo(PrepareColumns.KEPT))
              .select(ADAPTER_ID, INPUT_IDS)
              .collectAsList()) {
        long[] ids = row.<Integer>getList(1).stream().mapToLong(Integer::longValue).toArray();
        decoded.merge(row.getString(0), tokenizer.decode(ids, false), (a, b) -> a + "|" + b);
      }
    }

    assertThat(decoded.get("alpha")).startsWith("<|im_start|>system\nОтвечай кратко.<|im_end|>");
    assertThat(decoded.get("beta"))
        .contains("<|im_start|>system\nDefault rule.<|im_end|>")
        .contains("<|im_start|>system\nOwn.<|im_end|>")
        .doesNotContain("Own.<|im_end|>\n<|im_start|>system");
  }

  @Test
  void truncatesAndRejectsRowsThatLoseEveryTrainedToken(SparkSession spark) {
    PrepareConfig config =
        PrepareFixtures.config("prepare.max-seq-length=64", "prepare.length-policy=truncate");
    List<String> corpus =
        List.of(
            PrepareFixtures.chat("alpha", "Write a lot", "word ".repeat(200)),
            PrepareFixtures.chat("alpha", "word ".repeat(200), "Short answer."));

    List<Row> rows =
        PreparePipeline.apply(
                lines(spark, corpus), config, PrepareFixtures.gemmaSpec(spark, config))
            .select(STATUS, "num_tokens", "num_loss_tokens", REASON, DETAIL)
            .orderBy(STATUS)
            .collectAsList();

    assertThat(rows).hasSize(2);
    assertThat(rows.get(0).getString(0)).isEqualTo("kept");
    assertThat(rows.get(0).getInt(1)).isEqualTo(64);
    assertThat(rows.get(0).getInt(2)).isBetween(1, 63);
    assertThat(rows.get(1).getString(0)).isEqualTo("rejected");
    assertThat(rows.get(1).getString(3)).isEqualTo("TOO_LONG");
    assertThat(rows.get(1).getString(4))
        .isEqualTo(
            "no trained token within the first 64 tokens (prepare.max-seq-length, truncate)");
  }

  @Test
  void llama2NeedsATemplateFromConfig(SparkSession spark) {
    Path llama2 = RealTokenizers.directory(KnownTokenizer.LLAMA2);
    JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());

    assertThatThrownBy(
            () -> EncodingSpec.create(context, llama2, PrepareFixtures.config(), Map.of()))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("set prepare.chat-template to a template file or to llama2-chat");

    PrepareConfig config = PrepareFixtures.config("prepare.chat-template=llama2-chat");
    Row row =
        PreparePipeline.apply(
                lines(spark, List.of(PrepareFixtures.chat("alpha", "Hi", "Hello there"))),
                config,
                EncodingSpec.create(context, llama2, config, Map.of()))
            .select(STATUS, INPUT_IDS, LABELS)
            .first();
    assertThat(row.getString(0)).isEqualTo("kept");
    List<Integer> ids = row.getList(1);
    List<Integer> labels = row.getList(2);
    assertThat(ids.get(0)).isEqualTo(1); // <s>, written once by the template
    assertThat(ids.get(1)).isNotEqualTo(1);
    assertThat(labels.get(labels.size() - 1)).isEqualTo(2); // </s> closes the turn and is trained
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
