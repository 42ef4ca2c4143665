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

  /**
   * Texts at every edge of the steps: CR alone and in CRLF, each control range, NEL (a C1 control
   * and Python whitespace), whitespace at either end only, decomposed and composed accents, emoji
   * sequences, Cyrillic, CJK, a lone surrogate.
   */
  private static final List<String> EDGES =
      List.of(
          "",
          "plain",
          "a\r\nb",
          "a\rb",
          "tab\tand\nline",
          "x\u0000y",
          "x\u0008y",
          "x\u000By",
          "x\u001Fy",
          "x\u007Fy",
          "x\u0085y",
          "\u0085x",
          "x\u009F",
          "x\u00A0y",
          " lead",
          "trail ",
          "\u3000full",
          "\u2028x",
          "x\u200B",
          "Cafe\u0301",
          "Café",
          "Привет, мир",
          "中文テキスト",
          "👨‍👩‍👧 👋🏽 🇷🇺",
          "\t\n",
          "\n");

  @Test
  void flagsEveryTextThatCleaningChangesAndSkippingTheOthersChangesNothing(SparkSession spark) {
    for (PrepareConfig.Clean config :
        List.of(
            ALL,
            new PrepareConfig.Clean(false, false, false, false),
            new PrepareConfig.Clean(true, false, false, false),
            new PrepareConfig.Clean(false, true, false, false),
            new PrepareConfig.Clean(false, false, true, false),
            new PrepareConfig.Clean(false, false, false, true))) {
      List<String> cleaned =
          spark
              .createDataset(EDGES, Encoders.STRING())
              .select(Cleaning.content(col("value"), config))
              .as(Encoders.STRING())
              .collectAsList();
      for (int i = 0; i < EDGES.size(); i++) {
        String text = EDGES.get(i);
        if (!cleaned.get(i).equals(text)) {
          assertThat(Cleaning.mayChange(text, config))
              .as("%s changes %s", config, text.codePoints().boxed().toList())
              .isTrue();
        }
      }
    }
    assertThat(Cleaning.mayChange("plain", ALL)).isFalse();
    assertThat(Cleaning.mayChange("Привет, мир 👋🏽", ALL)).isFalse();
    assertThat(Cleaning.mayChange("Cafe\u0301", ALL)).isTrue();
    assertThat(Cleaning.mayChange("Cafe\u0301", new PrepareConfig.Clean(false, true, true, true)))
        .isFalse();
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
