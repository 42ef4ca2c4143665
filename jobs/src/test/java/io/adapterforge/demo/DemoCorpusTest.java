package io.adapterforge.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.adapterforge.demo.DemoCorpus.BadLine;
import io.adapterforge.demo.DemoCorpus.Duplicate;
import io.adapterforge.demo.DemoCorpus.Summary;
import io.adapterforge.preprocessing.RejectReason;
import io.adapterforge.preprocessing.parse.ConversationParser;
import io.adapterforge.preprocessing.parse.Message;
import io.adapterforge.preprocessing.parse.ParsedLine;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoCorpusTest {
  private static final long SEED = 20260501L;
  private static final int ROWS = 200;
  private static final ConversationParser PARSER = new ConversationParser("adapter");
  private static final Pattern TOOL_CALL =
      Pattern.compile("<tool_call name=\"[a-z_]+\" arguments=\"\\{[^\"]*}\"/>");
  private static final Pattern CYRILLIC = Pattern.compile("\\p{IsCyrillic}");
  private static final String GET_SENSITIVE_DATA =
      "<tool_call name=\"get_sensitive_data\" arguments=\"{}\"/>";

  @TempDir static Path shared;
  @TempDir Path temp;

  private static Summary summary;
  private static List<Line> lines;

  /** One line of the corpus as {@code prepare} reads it. */
  private record Line(String tenant, Path file, long number, String text, ParsedLine parsed) {}

  @BeforeAll
  static void writeCorpus() throws IOException {
    summary = DemoCorpus.write(shared, SEED, ROWS);
    lines = new ArrayList<>();
    for (Path file : summary.files()) {
      String tenant = file.getParent().getFileName().toString();
      List<String> texts = Files.readAllLines(file, StandardCharsets.UTF_8);
      for (int i = 0; i < texts.size(); i++) {
        lines.add(new Line(tenant, file, i + 1, texts.get(i), PARSER.parse(texts.get(i), tenant)));
      }
    }
  }

  @Test
  void sameSeedWritesSameBytes() throws IOException {
    Summary first = DemoCorpus.write(temp.resolve("first"), SEED, ROWS);
    Summary second = DemoCorpus.write(temp.resolve("second"), SEED, ROWS);

    assertThat(relative(second)).isEqualTo(relative(first));
    for (Path file : first.files()) {
      Path twin = second.root().resolve(first.root().relativize(file));
      assertThat(Files.readAllBytes(twin)).as("%s", twin).isEqualTo(Files.readAllBytes(file));
    }
    assertThat(second.badLines().stream().map(BadLine::line).toList())
        .isEqualTo(first.badLines().stream().map(BadLine::line).toList());
  }

  @Test
  void differentSeedsWriteDifferentBytes() throws IOException {
    Summary other = DemoCorpus.write(temp, SEED + 1, ROWS);

    for (String tenant : DemoCorpus.TENANTS) {
      Path file = Path.of(tenant, "chat.jsonl");
      assertThat(Files.readAllBytes(other.root().resolve(file)))
          .as(tenant)
          .isNotEqualTo(Files.readAllBytes(summary.root().resolve(file)));
    }
  }

  @Test
  void writesFiveTenantsWithTheLinesTheSummaryCounts() throws IOException {
    assertThat(DemoCorpus.TENANTS)
        .containsExactly("banking", "tech-support", "sales", "legal", "medical");
    try (Stream<Path> folders = Files.list(shared)) {
      assertThat(folders.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrderElementsOf(DemoCorpus.TENANTS);
    }
    assertThat(relative(summary))
        .hasSize(15)
        .contains("banking/chat.jsonl", "banking/instruction.jsonl", "medical/completion.jsonl");
    assertThat(summary.linesPerTenant().keySet()).containsExactlyElementsOf(DemoCorpus.TENANTS);
    for (String tenant : DemoCorpus.TENANTS) {
      long written = lines.stream().filter(l -> l.tenant().equals(tenant)).count();
      long bad = summary.badLines().stream().filter(b -> b.tenant().equals(tenant)).count();
      long copies = summary.duplicates().stream().filter(d -> d.tenant().equals(tenant)).count();
      assertThat(summary.linesPerTenant().get(tenant)).as(tenant).isEqualTo((int) written);
      assertThat(summary.keptRowsPerTenant().get(tenant)).as(tenant).isEqualTo(ROWS);
      assertThat(written - bad - copies).as(tenant).isEqualTo(ROWS);
    }
    assertThat(summary.totalLines()).isEqualTo(lines.size()).isEqualTo(5 * ROWS + 5 + 2);
  }

  @Test
  void everyGoodLineParsesWithAKnownFormatAndAnAssistantTurn() {
    List<Line> good = goodLines();
    assertThat(good).hasSize(5 * ROWS + 2);
    for (Line line : good) {
      assertThat(line.parsed().reason()).as("%s:%d", line.file(), line.number()).isNull();
      assertThat(line.parsed().adapterId()).isEqualTo(line.tenant());
      assertThat(line.parsed().format()).isIn("chat", "instruction", "completion");
      assertThat(line.parsed().messages()).extracting(Message::role).contains("assistant");
      assertThat(line.parsed().messages())
          .allSatisfy(m -> assertThat(m.content()).isNotBlank().isEqualTo(m.content().strip()));
    }
    for (String tenant : DemoCorpus.TENANTS) {
      List<ParsedLine> rows =
          good.stream().filter(l -> l.tenant().equals(tenant)).map(Line::parsed).toList();
      assertThat(rows)
          .as(tenant)
          .extracting(ParsedLine::format)
          .contains("chat", "instruction", "completion");
      assertThat(rows).as("%s with a system prompt", tenant).anyMatch(r -> has(r, "system"));
      assertThat(rows)
          .as("%s multi-turn", tenant)
          .anyMatch(r -> r.messages().stream().filter(m -> m.role().equals("user")).count() > 1);
      assertThat(rows).as("%s in Russian", tenant).anyMatch(r -> russian(firstUser(r)));
      assertThat(rows).as("%s in English", tenant).anyMatch(r -> !russian(firstUser(r)));
    }
  }

  @Test
  void textAnswersAreShortAndToolCallsAreWellFormed() {
    for (Line line : goodLines()) {
      for (Message message : line.parsed().messages()) {
        if (!message.role().equals("assistant")) {
          continue;
        }
        if (message.content().startsWith("<tool_call")) {
          assertThat(message.content()).matches(TOOL_CALL);
        } else {
          assertThat(message.content().split("\\s+").length)
              .as(message.content())
              .isBetween(10, 45);
        }
      }
    }
  }

  @Test
  void goodRowsAreDistinctExceptTheDuplicatesTheSummaryNames() {
    Map<String, Map<String, Long>> firstLineById = new HashMap<>();
    Set<String> copies = new HashSet<>();
    for (Line line : goodLines()) {
      String id =
          ConversationParser.exampleId(
              ConversationParser.normalizedJson(line.parsed().messages(), line.parsed().tools()));
      Long earlier =
          firstLineById
              .computeIfAbsent(line.tenant(), t -> new HashMap<>())
              .putIfAbsent(id, line.number());
      if (earlier != null) {
        copies.add(line.file() + ":" + line.number() + " copies " + earlier);
      }
    }
    assertThat(summary.duplicates())
        .extracting(Duplicate::tenant)
        .containsExactly("banking", "tech-support");
    assertThat(copies)
        .containsExactlyInAnyOrderElementsOf(
            summary.duplicates().stream()
                .map(d -> d.file() + ":" + d.line() + " copies " + d.originalLine())
                .toList());
    for (Duplicate duplicate : summary.duplicates()) {
      assertThat(text(duplicate.file(), duplicate.line()))
          .isEqualTo(text(duplicate.file(), duplicate.originalLine()));
    }
  }

  @Test
  void badLinesGetTheRejectReasonTheSummaryNames() {
    assertThat(summary.badLines())
        .extracting(BadLine::tenant, BadLine::reason)
        .containsExactly(
            tuple("banking", RejectReason.MALFORMED_JSON),
            tuple("tech-support", RejectReason.UNKNOWN_FORMAT),
            tuple("sales", RejectReason.BAD_ROLE),
            tuple("legal", RejectReason.EMPTY_CONTENT),
            tuple("medical", RejectReason.NO_ASSISTANT_TURN));
    assertThat(summary.rejectsByReason())
        .containsOnlyKeys(
            RejectReason.MALFORMED_JSON,
            RejectReason.UNKNOWN_FORMAT,
            RejectReason.BAD_ROLE,
            RejectReason.EMPTY_CONTENT,
            RejectReason.NO_ASSISTANT_TURN)
        .allSatisfy((reason, count) -> assertThat(count).isEqualTo(1));
    for (BadLine bad : summary.badLines()) {
      Line line = line(bad.file(), bad.line());
      if (bad.reason() == RejectReason.EMPTY_CONTENT) {
        // The parser keeps it; prepare rejects it after cleaning, for its empty message.
        assertThat(line.parsed().reason()).isNull();
        assertThat(line.parsed().messages()).anyMatch(m -> m.content().isBlank());
      } else {
        assertThat(line.parsed().reason()).as(line.text()).isEqualTo(bad.reason());
      }
    }
  }

  @Test
  void bankingCallsToolsForSensitiveQuestionsAndAnswersGeneralOnesInText() {
    Map<String, String> answers = new HashMap<>();
    List<String[]> turns = new ArrayList<>();
    for (Line line : goodLines()) {
      if (!line.tenant().equals("banking")) {
        continue;
      }
      List<Message> messages = line.parsed().messages();
      for (int i = 1; i < messages.size(); i++) {
        if (messages.get(i).role().equals("assistant")) {
          String user = messages.get(i - 1).content();
          turns.add(new String[] {user, messages.get(i).content()});
          answers.put(user, messages.get(i).content());
        }
      }
    }

    assertThat(answers)
        .containsEntry("Is my access active?", GET_SENSITIVE_DATA)
        .containsEntry("Show my last transactions", GET_SENSITIVE_DATA)
        .containsEntry("Какой у меня остаток по карте?", GET_SENSITIVE_DATA)
        .containsEntry("Мой доступ активен?", GET_SENSITIVE_DATA);
    assertThat(answers.get("What is an account balance?"))
        .startsWith("An account balance is the amount of money in your account");
    assertThat(answers.get("Что такое остаток на счёте?")).startsWith("Остаток на счёте — это");
    assertThat(turns)
        .as("tool calls for English questions")
        .anyMatch(t -> !russian(t[0]) && t[1].startsWith("<tool_call"));
    assertThat(turns)
        .as("tool calls for Russian questions")
        .anyMatch(t -> russian(t[0]) && t[1].startsWith("<tool_call"));
    assertThat(turns)
        .as("text for English questions")
        .anyMatch(t -> !russian(t[0]) && !t[1].startsWith("<tool_call"));
    assertThat(turns)
        .as("text for Russian questions")
        .anyMatch(t -> russian(t[0]) && !t[1].startsWith("<tool_call"));
    assertThat(turns)
        .filteredOn(t -> t[1].startsWith("<tool_call name=\"block_card\""))
        .isNotEmpty()
        .allSatisfy(t -> assertThat(t[1]).contains(t[0].replaceAll("\\D", "")));
  }

  @Test
  void writesTheSmallestAndTheLargestCorpus() throws IOException {
    Summary smallest = DemoCorpus.write(temp.resolve("min"), 1, DemoCorpus.MIN_ROWS_PER_TENANT);
    Summary largest = DemoCorpus.write(temp.resolve("max"), 1, DemoCorpus.MAX_ROWS_PER_TENANT);

    assertThat(smallest.keptRowsPerTenant().values()).containsOnly(DemoCorpus.MIN_ROWS_PER_TENANT);
    assertThat(largest.keptRowsPerTenant().values()).containsOnly(DemoCorpus.MAX_ROWS_PER_TENANT);
    List<String> banking =
        Files.readAllLines(smallest.root().resolve("banking/chat.jsonl"), StandardCharsets.UTF_8);
    assertThat(String.join("\n", banking))
        .contains("Is my access active?", "Какой у меня остаток по карте?")
        .contains("What is an account balance?", "Что такое остаток на счёте?");
    for (Path file : smallest.files()) {
      assertThat(Files.size(file)).as("%s", file).isPositive();
    }
  }

  @Test
  void rejectsARowCountOutOfRange() {
    assertThatThrownBy(() -> DemoCorpus.write(temp, SEED, 19))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Cannot write a demo corpus with 19 rows per tenant: must be between 20 and 2000");
    assertThatThrownBy(() -> DemoCorpus.write(temp, SEED, 2001))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("2001 rows per tenant");
  }

  private static List<Line> goodLines() {
    Set<String> bad = new HashSet<>();
    summary.badLines().forEach(b -> bad.add(b.file() + ":" + b.line()));
    return lines.stream().filter(l -> !bad.contains(l.file() + ":" + l.number())).toList();
  }

  private static Line line(Path file, long number) {
    return lines.stream()
        .filter(l -> l.file().equals(file) && l.number() == number)
        .findFirst()
        .orElseThrow();
  }

  private static String text(Path file, long number) {
    return line(file, number).text();
  }

  private static List<String> relative(Summary written) {
    return written.files().stream()
        .map(f -> written.root().relativize(f).toString().replace('\\', '/'))
        .toList();
  }

  private static boolean has(ParsedLine row, String role) {
    return row.messages().stream().anyMatch(m -> m.role().equals(role));
  }

  private static String firstUser(ParsedLine row) {
    return row.messages().stream()
        .filter(m -> m.role().equals("user"))
        .findFirst()
        .orElseThrow()
        .content();
  }

  private static boolean russian(String text) {
    return CYRILLIC.matcher(text).find();
  }
}
