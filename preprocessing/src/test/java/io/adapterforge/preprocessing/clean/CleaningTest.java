package io.adapterforge.preprocessing.clean;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import io.adapterforge.config.PrepareConfig;
import io.adapterforge.testing.LocalSparkExtension;
import java.util.List;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LocalSparkExtension.class)
class CleaningTest {
  private static final PrepareConfig.Clean ALL = new PrepareConfig.Clean(true, true, true, true);

  private static String clean(SparkSession spark, String text, PrepareConfig.Clean config) {
    return spark
        .createDataset(List.of(text), Encoders.STRING())
        .select(Cleaning.content(col("value"), config))
        .as(Encoders.STRING())
        .first();
  }

  @Test
  void normalizesLineEndingsBeforeRemovingControlCharacters(SparkSession spark) {
    assertThat(clean(spark, "a\r\nb\rc\u0007d\u0000e\u009Bf\tg\nh", ALL))
        .isEqualTo("a\nb\ncdef\tg\nh");
  }

  @Test
  void removesExactlyTheC0AndC1ControlsOtherThanTabAndLineFeed(SparkSession spark) {
    StringBuilder all = new StringBuilder();
    StringBuilder kept = new StringBuilder();
    for (char c = 1; c <= 0x1FF; c++) {
      all.append('x').append(c);
      kept.append('x');
      if (c == '\t' || c == '\n' || (c >= 0x20 && c < 0x7F) || c > 0x9F) {
        kept.append(c);
      }
    }
    PrepareConfig.Clean controlsOnly = new PrepareConfig.Clean(false, true, false, false);

    assertThat(clean(spark, "\u0000" + all, controlsOnly)).isEqualTo(kept.toString());
  }

  @Test
  void handlesLineEndingsAndControlCharactersEachOnItsOwn(SparkSession spark) {
    String text = "a\r\nb\rc\u0007d";
    assertThat(clean(spark, text, new PrepareConfig.Clean(false, false, true, false)))
        .isEqualTo("a\nb\nc\u0007d");
    assertThat(clean(spark, text, new PrepareConfig.Clean(false, true, false, false)))
        .isEqualTo("a\nbcd");
  }

  @Test
  void trimsOnlyWhereAnEndIsWhitespace(SparkSession spark) {
    assertThat(clean(spark, "", ALL)).isEmpty();
    assertThat(clean(spark, "\u2003", ALL)).isEmpty();
    assertThat(clean(spark, "x\u00A0", ALL)).isEqualTo("x");
    assertThat(clean(spark, "\u3000y", ALL)).isEqualTo("y");
    assertThat(clean(spark, "a b", ALL)).isEqualTo("a b");
    assertThat(clean(spark, "😀 🌍", ALL)).isEqualTo("😀 🌍");
  }

  @Test
  void leavesAsciiAndComposedTextAsItIs(SparkSession spark) {
    assertThat(clean(spark, "plain ASCII, tabs\tand\nlines", ALL))
        .isEqualTo("plain ASCII, tabs\tand\nlines");
    assertThat(clean(spark, "Привет, café", ALL)).isEqualTo("Привет, café");
  }

  @Test
  void composesToNfcAndKeepsEmojiSequences(SparkSession spark) {
    String decomposed = "Cafe\u0301 👨‍👩‍👧 👋🏽 🇷🇺";
    assertThat(clean(spark, decomposed, ALL)).isEqualTo("Café 👨‍👩‍👧 👋🏽 🇷🇺");
  }

  @Test
  void trimsUnicodeWhitespaceAsPythonDoesButNotTheByteOrderMark(SparkSession spark) {
    assertThat(clean(spark, "\u00A0\u3000 \n Привет \t\u2003", ALL)).isEqualTo("Привет");
    assertThat(clean(spark, "\uFEFFtext ", ALL)).isEqualTo("\uFEFFtext");
  }

  @Test
  void eachStepCanBeSwitchedOff(SparkSession spark) {
    PrepareConfig.Clean none = new PrepareConfig.Clean(false, false, false, false);
    String text = " e\u0301\r\n\u0007 ";
    assertThat(clean(spark, text, none)).isEqualTo(text);
    assertThat(clean(spark, text, new PrepareConfig.Clean(false, false, false, true)))
        .isEqualTo("e\u0301\r\n\u0007");
    assertThat(clean(spark, text, new PrepareConfig.Clean(true, false, false, false)))
        .isEqualTo(" é\r\n\u0007 ");
  }
}
