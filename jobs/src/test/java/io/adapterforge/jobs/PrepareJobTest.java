package io.adapterforge.jobs;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.adapterforge.config.AdapterforgeConfig;
import io.adapterforge.config.ConfigLoader;
import io.adapterforge.testing.LocalSparkExtension;
import io.adapterforge.testing.RealTokenizers;
import io.adapterforge.tokenizer.KnownTokenizer;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(LocalSparkExtension.class)
class PrepareJobTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path temp;

  @Test
  void writesTheLayoutFromFoldersAndGzipAndQuarantinesAnUnreadableFile(SparkSession spark)
      throws IOException {
    Path corpus = temp.resolve("corpus");
    List<String> support = new ArrayList<>();
    for (int i = 0; i < 24; i++) {
      support.add(chat("Где мой заказ №" + i + "?", "Заказ №" + i + " в пути 🚚"));
    }
    support.add("not json at all");
    write(corpus.resolve("support-ru/part-0.jsonl"), support);
    List<String> legal = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      legal.add(chat("Clause " + i + "?", "It means " + i + "."));
    }
    legal.add(chat("Clause 0?", "It means 0.")); // duplicate
    writeGzip(corpus.resolve("legal/part-0.jsonl.gz"), legal, false);
    writeGzip(corpus.resolve("legal/part-1.jsonl.gz"), legal.subList(0, 3), true);
    Path output = temp.resolve("prepared");

    JsonNode report = run(spark, List.of(corpus.toString()), output);

    assertThat(output.resolve("data/adapter_id=support-ru/split=train")).isDirectory();
    assertThat(output.resolve("data/adapter_id=support-ru/split=test")).isDirectory();
    assertThat(output.resolve("data/adapter_id=legal")).isDirectory();
    assertThat(output.resolve("rejects")).isDirectory();
    Dataset<Row> data = spark.read().parquet(output.resolve("data").toString());
    assertThat(data.columns())
        .containsExactly(
            "example_id",
            "conversation",
            "input_ids",
            "labels",
            "num_tokens",
            "num_loss_tokens",
            "source",
            "adapter_id",
            "split");
    assertThat(data.where(col("adapter_id").equalTo("support-ru")).count()).isEqualTo(24);
    assertThat(data.where(col("adapter_id").equalTo("legal")).count()).isEqualTo(6);
    Dataset<Row> rejects = spark.read().parquet(output.resolve("rejects").toString());
    List<String> reasons =
        rejects
            .select("reason")
            .orderBy("reason")
            .as(org.apache.spark.sql.Encoders.STRING())
            .collectAsList();
    assertThat(reasons).containsExactly("MALFORMED_JSON", "UNREADABLE_FILE");
    Row unreadable = rejects.where(col("reason").equalTo("UNREADABLE_FILE")).first();
    assertThat(unreadable.<String>getAs("source")).endsWith("legal/part-1.jsonl.gz");
    assertThat(unreadable.<String>getAs("detail")).contains("EOFException");

    JsonNode totals = report.get("totals");
    long linesRead = totals.get("lines_read").asLong();
    assertThat(totals.get("rows").asLong()).isEqualTo(30);
    assertThat(totals.get("duplicates").asLong()).isGreaterThanOrEqualTo(1);
    assertThat(linesRead)
        .isEqualTo(
            data.count()
                + rejects.count()
                + totals.get("duplicates").asLong()
                + totals.get("blank_lines").asLong());
    assertThat(totals.get("books_balance").asBoolean()).isTrue();
    assertThat(report.get("tokenizer").get("sha256").asText()).hasSize(64);
    assertThat(report.get("chat_template").get("sha256").asText()).hasSize(64);
    assertThat(report.get("config").get("prepare").get("maxSeqLength").asInt()).isEqualTo(4096);
    assertThat(
            report.get("adapters").get("support-ru").get("splits").get("test").get("rows").asLong())
        .isGreaterThanOrEqualTo(1);
    assertThat(Files.list(temp).map(p -> p.getFileName().toString()))
        .containsExactlyInAnyOrder("corpus", "prepared");
  }

  @Test
  void replacesAPreviousOutputAndFailsOnMissingInput(SparkSession spark) throws IOException {
    Path corpus = temp.resolve("in/tenant-a/a.jsonl");
    write(corpus, List.of(chat("Hi", "Hello"), chat("Bye", "Goodbye")));
    Path output = temp.resolve("out");
    run(spark, List.of(temp.resolve("in").toString()), output);
    write(corpus, List.of(chat("Hi", "Hello")));

    JsonNode second = run(spark, List.of(temp.resolve("in").toString()), output);

    assertThat(second.get("totals").get("rows").asLong()).isEqualTo(1);
    assertThat(spark.read().parquet(output.resolve("data").toString()).count()).isEqualTo(1);
    assertThatThrownBy(() -> run(spark, List.of(temp.resolve("nowhere").toString()), output))
        .hasMessageContaining("no such file");
  }

  @Test
  void movesARowToTestInTheWrittenDataAndWritesRejectsInTheirOwnLayout(SparkSession spark)
      throws IOException {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      lines.add(withAdapter("big", chat("Question " + i + "?", "Answer " + i + ".")));
    }
    for (int i = 0; i < 5; i++) {
      lines.add(withAdapter("small", chat("Small " + i + "?", "Reply " + i + ".")));
    }
    String badId = "Not/A Folder=" + "x".repeat(300);
    lines.add(withAdapter(badId, chat("Who?", "Me.")));
    lines.add("{\"messages\": [");
    write(temp.resolve("in/corpus.jsonl"), lines);
    Path output = temp.resolve("prepared");

    JsonNode report =
        run(
            spark,
            List.of(temp.resolve("in").toString()),
            output,
            "prepare.split.test=0",
            "prepare.split.validation=0.5");

    Dataset<Row> data = spark.read().parquet(output.resolve("data").toString());
    Dataset<Row> big = data.where(col("adapter_id").equalTo("big"));
    assertThat(big.count()).isEqualTo(40);
    List<Row> test = big.where(col("split").equalTo("test")).collectAsList();
    assertThat(test).hasSize(1);
    String smallest = big.orderBy("example_id").select("example_id").first().getString(0);
    assertThat(test.get(0).<String>getAs("example_id")).isEqualTo(smallest);
    assertThat(big.select("example_id").distinct().count()).isEqualTo(40);
    assertThat(data.where(col("adapter_id").equalTo("small")).count()).isEqualTo(5);
    assertThat(output.resolve("data/adapter_id=small/split=test")).doesNotExist();
    try (var folders = Files.walk(output.resolve("data"))) {
      assertThat(folders.map(Path::toString)).noneMatch(path -> path.contains("_rejects"));
    }
    JsonNode splits = report.get("adapters").get("big").get("splits");
    assertThat(splits.get("test").get("rows").asLong()).isEqualTo(1);
    assertThat(
            splits.get("train").get("rows").asLong()
                + splits.get("validation").get("rows").asLong())
        .isEqualTo(39);
    assertThat(big.where(col("split").equalTo("train")).count())
        .isEqualTo(splits.get("train").get("rows").asLong());

    Dataset<Row> rejects = spark.read().parquet(output.resolve("rejects").toString());
    assertThat(rejects.columns())
        .containsExactly("source", "line", "adapter_id", "raw", "reason", "detail");
    List<Row> rows = rejects.orderBy("line").collectAsList();
    assertThat(rows)
        .extracting(row -> row.<String>getAs("reason"))
        .containsExactly("BAD_ADAPTER_ID", "MALFORMED_JSON");
    assertThat(rows.get(0).<String>getAs("adapter_id")).isEqualTo(badId);
    assertThat(rows.get(0).<Long>getAs("line")).isEqualTo(46L);
    assertThat(rows.get(0).<String>getAs("raw")).isEqualTo(lines.get(45));
    assertThat(rows.get(1).<Long>getAs("line")).isEqualTo(47L);
    assertThat(rows.get(1).<String>getAs("source")).endsWith("in/corpus.jsonl");
    assertThat(report.get("totals").get("books_balance").asBoolean()).isTrue();
  }

  private static String withAdapter(String adapter, String chat) {
    try {
      return JSON.writeValueAsString(
          ((com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(chat))
              .put("adapter", adapter));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static JsonNode run(
      SparkSession spark, List<String> inputs, Path output, String... settings) throws IOException {
    AdapterforgeConfig config = ConfigLoader.load(Optional.empty(), List.of(settings));
    PrepareJob.run(
        spark,
        config,
        new PrepareJob.Request(
            inputs, RealTokenizers.directory(KnownTokenizer.QWEN3), output.toString()),
        line -> {});
    return JSON.readTree(output.resolve("report.json").toFile());
  }

  static String chat(String user, String assistant) {
    try {
      return JSON.writeValueAsString(
          JSON.createObjectNode()
              .set(
                  "messages",
                  JSON.createArrayNode()
                      .add(JSON.createObjectNode().put("role", "user").put("content", user))
                      .add(
                          JSON.createObjectNode()
                              .put("role", "assistant")
                              .put("content", assistant))));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void write(Path file, List<String> lines) throws IOException {
    Files.createDirectories(file.getParent());
    Files.write(file, lines, StandardCharsets.UTF_8);
  }

  private static void writeGzip(Path file, List<String> lines, boolean truncate)
      throws IOException {
    Files.createDirectories(file.getParent());
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
      out.write((String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
    }
    if (truncate) {
      byte[] bytes = Files.readAllBytes(file);
      Files.write(file, Arrays.copyOf(bytes, bytes.length - 20));
    }
  }
}
