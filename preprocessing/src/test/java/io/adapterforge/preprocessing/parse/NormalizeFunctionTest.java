package io.adapterforge.preprocessing.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.adapterforge.config.PrepareConfig;
import io.adapterforge.preprocessing.PrepareColumns;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;

class NormalizeFunctionTest {
  private static final ConversationParser PARSER = new ConversationParser("adapter");

  private static final PrepareConfig.Clean ALL = new PrepareConfig.Clean(true, true, true, true);

  private static List<Row> parse(long line, String text) {
    return parse(line, text, ALL);
  }

  private static List<Row> parse(long line, String text, PrepareConfig.Clean clean) {
    return ParseFunction.parse(
        PARSER, clean, RowFactory.create("file:/corpus/a.jsonl", line, "alpha", text, null));
  }

  private static List<Row> normalize(List<Row> messageRows) {
    List<Row> out = new ArrayList<>();
    new NormalizeFunction().call(messageRows.iterator()).forEachRemaining(out::add);
    return out;
  }

  private static String text(Row row, int field) {
    return new String((byte[]) row.get(field), StandardCharsets.UTF_8);
  }

  @Test
  void foldsTheMessageRowsOfEachLineBackIntoOneRow() {
    // A trailing space: trimming may change the first message, so the line becomes message rows.
    String chat =
        "{\"messages\":[{\"role\":\"user\",\"content\":\"Hi \"},"
            + "{\"role\":\"assistant\",\"content\":\"Hello\",\"name\":\"bot\"}]}";
    List<Row> rows = new ArrayList<>(parse(1, chat));
    rows.addAll(parse(2, "   "));
    rows.addAll(parse(3, "not json"));
    rows.addAll(parse(4, chat));
    assertThat(rows).hasSize(6);

    List<Row> lines = normalize(rows);

    assertThat(lines).extracting(row -> row.getLong(1)).containsExactly(1L, 2L, 3L, 4L);
    assertThat(lines)
        .extracting(row -> row.getString(4))
        .containsExactly(
            PrepareColumns.KEPT,
            PrepareColumns.BLANK,
            PrepareColumns.REJECTED,
            PrepareColumns.KEPT);
    Row first = lines.get(0);
    assertThat(text(first, 2)).isEqualTo(chat);
    assertThat(first.getString(3)).isEqualTo("alpha");
    assertThat(text(first, 7))
        .isEqualTo(
            "{\"messages\":[{\"role\":\"user\",\"content\":\"Hi \"},"
                + "{\"role\":\"assistant\",\"content\":\"Hello\",\"name\":\"bot\"}]}");
    assertThat(first.getString(8))
        .isEqualTo(ConversationParser.exampleId(text(first, 7)))
        .isEqualTo(lines.get(3).getString(8));
    assertThat(lines.get(2).getString(5)).isEqualTo("MALFORMED_JSON");
  }

  @Test
  void normalizesALineThatNeedsNoCleaningInTheParserAsTheMessageRowsWouldBe() {
    String chat =
        "{\"messages\":[{\"role\":\"system\",\"content\":\"Be brief \"},"
            + "{\"role\":\"user\",\"content\":\"Привет 👋🏽\",\"name\":\"ann\"},"
            + "{\"role\":\"assistant\",\"content\":\"Hello\"}],"
            + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}]}";
    // With trimming off nothing can change: one row, normalized by the parser.
    List<Row> parsed = parse(1, chat, new PrepareConfig.Clean(true, true, true, false));
    // With trimming on the system prompt may change: message rows, normalized after cleaning.
    List<Row> messageRows = parse(2, chat);
    assertThat(parsed).hasSize(1);
    assertThat(parsed.get(0).getInt(8)).isZero();
    assertThat(messageRows).hasSize(3);

    Row inParser = normalize(parsed).get(0);
    Row fromRows = normalize(messageRows).get(0);

    assertThat(inParser.getString(4)).isEqualTo(PrepareColumns.KEPT);
    assertThat(text(inParser, 7)).isEqualTo(text(fromRows, 7));
    assertThat(inParser.getString(8)).isEqualTo(fromRows.getString(8)).isNotNull();
    assertThat(text(inParser, 2)).isEqualTo(chat);
    assertThat(inParser.getString(3)).isEqualTo("alpha");
  }

  @Test
  void rejectsAConversationWithAMessageLeftEmpty() {
    List<Row> rows =
        parse(
            7,
            "{\"messages\":[{\"role\":\"user\",\"content\":\"\"},"
                + "{\"role\":\"assistant\",\"content\":\"Hello\"}]}");

    Row line = normalize(rows).get(0);

    assertThat(line.getString(4)).isEqualTo(PrepareColumns.REJECTED);
    assertThat(line.getString(5)).isEqualTo("EMPTY_CONTENT");
    assertThat(line.getString(6)).isEqualTo("message 0 (user) is empty after cleaning");
    assertThat(text(line, 2)).startsWith("{\"messages\"");
  }

  @Test
  void failsWhenTheRowsOfALineWereSeparated() {
    String chat =
        "{\"messages\":[{\"role\":\"user\",\"content\":\"Hi \"},"
            + "{\"role\":\"assistant\",\"content\":\"Hello\"}]}";
    List<Row> rows = new ArrayList<>(parse(1, chat));
    rows.add(1, parse(2, chat).get(0));
    Iterator<Row> normalized = new NormalizeFunction().call(rows.iterator());

    assertThatThrownBy(normalized::next)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "The message rows of file:/corpus/a.jsonl line 1 are not together: a step between"
                + " parsing and normalizing reordered rows");
  }
}
