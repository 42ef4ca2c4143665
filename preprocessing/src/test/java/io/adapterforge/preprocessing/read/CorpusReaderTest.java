package io.adapterforge.preprocessing.read;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.adapterforge.testing.LocalSparkExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(LocalSparkExtension.class)
class CorpusReaderTest {
  @TempDir Path temp;

  @Test
  void countsEachFileOnceHoweverOftenItIsRead(SparkSession spark) throws IOException {
    write(temp.resolve("alpha/part-0.jsonl"), "{\"a\":1}\n\n{\"a\":2}\n");
    write(temp.resolve("beta/part-0.jsonl"), "{}\n{}\n{}\n{}\n{\"last\":true}");
    write(temp.resolve("beta/empty.jsonl"), "");
    List<CorpusFile> files =
        CorpusFiles.list(spark.sparkContext().hadoopConfiguration(), List.of(temp.toString()));
    LineCounter counter = LineCounter.register(spark);

    Dataset<Row> lines = CorpusReader.lines(spark, files, counter);

    assertThat(lines.count()).isEqualTo(8);
    assertThat(lines.count()).isEqualTo(8);
    assertThat(counter.total()).isEqualTo(8);
    assertThat(counter.files()).isEqualTo(3);
  }

  @Test
  void countsAFileListedTwiceTwice(SparkSession spark) throws IOException {
    Path file = temp.resolve("alpha/part-0.jsonl");
    write(file, "{}\n{}\n");
    List<CorpusFile> files =
        CorpusFiles.list(
            spark.sparkContext().hadoopConfiguration(), List.of(temp.toString(), file.toString()));
    LineCounter counter = LineCounter.register(spark);

    long rows = CorpusReader.lines(spark, files, counter).count();

    assertThat(rows).isEqualTo(4);
    assertThat(counter.total()).isEqualTo(4);
  }

  @Test
  void listsFileSizesToScheduleTheLargestFirst(SparkSession spark) throws IOException {
    write(temp.resolve("small.jsonl"), "{}\n");
    write(temp.resolve("large.jsonl"), "{\"text\":\"" + "x".repeat(100) + "\"}\n");

    List<CorpusFile> files =
        CorpusFiles.list(spark.sparkContext().hadoopConfiguration(), List.of(temp.toString()));

    assertThat(files).extracting(CorpusFile::length).containsExactly(112L, 3L);
    assertThat(CorpusReader.lines(spark, files).select("source").first().getString(0))
        .endsWith("large.jsonl");
  }

  @Test
  void aTaskRunAgainDoesNotCountItsFileTwice() {
    LineCounter first = new LineCounter();
    first.count("file:/a.jsonl", 10);
    LineCounter rerun = new LineCounter();
    rerun.count("file:/a.jsonl", 10);
    rerun.count("file:/b.jsonl", 5);

    first.merge(rerun);

    assertThat(first.total()).isEqualTo(15);
    assertThat(first.value()).isEqualTo(Map.of("file:/a.jsonl", 10L, "file:/b.jsonl", 5L));
    assertThat(first.copy().value()).isEqualTo(first.value());
  }

  private static void write(Path file, String text) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, text, UTF_8);
  }
}
