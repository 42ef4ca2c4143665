package io.adapterforge.evaluation.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.adapterforge.testing.LocalSparkExtension;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(LocalSparkExtension.class)
class MetricsTableTest {
  @Test
  void roundTripsThroughParquetWithNullForUndefined(SparkSession spark, @TempDir Path dir) {
    String path = dir.resolve("metrics.parquet").toString();
    MetricsTable.toDataset(spark, ReportFixtures.fiveAdapters().adapters()).write().parquet(path);
    List<Row> rows = spark.read().parquet(path).orderBy("adapter_id").collectAsList();

    assertThat(spark.read().parquet(path).schema().fieldNames())
        .containsExactly(MetricsTable.SCHEMA.fieldNames());
    assertThat(rows)
        .extracting(row -> row.getString(0))
        .containsExactly("bank-en", "bank-ru", "legal", "support", "tenant-b");
    Row legal = rows.get(2);
    assertThat(legal.<Long>getAs("rows")).isEqualTo(1750L);
    assertThat(legal.<Double>getAs("relative_gain")).isCloseTo((2.9 - 2.885) / 2.9, within(1e-12));
    assertThat(legal.isNullAt(legal.fieldIndex("tool_call_f1"))).isTrue();
    assertThat(legal.<Boolean>getAs("published")).isFalse();
    assertThat(legal.<String>getAs("gate_reason")).isEqualTo(ReportFixtures.HOSTILE_REASON);
    Row bankRu = rows.get(1);
    assertThat(bankRu.<Double>getAs("base_perplexity")).isCloseTo(Math.exp(2.4), within(1e-9));
    assertThat(bankRu.<Long>getAs("examples")).isEqualTo(40L);
  }
}
