package io.adapterforge.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LocalSparkExtension.class)
class LocalSparkExtensionTest {
  private static SparkSession fromBeforeAll;

  @BeforeAll
  static void capture(SparkSession spark) {
    fromBeforeAll = spark;
  }

  @Test
  void sharesOneLocalTwoCoreSessionPerClass(SparkSession spark) {
    assertThat(spark).isSameAs(fromBeforeAll);
    assertThat(spark.sparkContext().master()).isEqualTo("local[2]");
    assertThat(spark.conf().get("spark.ui.enabled")).isEqualTo("false");
    assertThat(spark.conf().get("spark.driver.host")).isEqualTo("127.0.0.1");
    assertThat(spark.conf().get("spark.sql.shuffle.partitions")).isEqualTo("4");
  }

  @Test
  void runsRealJobs(SparkSession spark) {
    Dataset<String> words = spark.createDataset(List.of("b", "a", "b"), Encoders.STRING());

    assertThat(words.distinct().orderBy("value").collectAsList()).containsExactly("a", "b");
  }
}
