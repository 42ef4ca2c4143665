package io.adapterforge.demo;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.adapterforge.preprocessing.RejectReason;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes the demo corpus: {@code <root>/<tenant>/{chat,instruction,completion}.jsonl} for the
 * tenants in {@link #TENANTS}, the adapter id coming from the folder.
 *
 * <p>Each tenant has six to eight intents; each intent has a few question templates per language
 * (English and Russian, mixed within every tenant) with slots (cards, devices, plans, dates,
 * amounts…) and one short templated answer (10–40 words) or a tool call, such as banking's {@code
 * <tool_call name="get_sensitive_data" arguments="{}"/>} for questions about the customer's own
 * account. The small, consistent vocabulary is what lets a tiny model learn a tenant's answers
 * within a few epochs, so that its adapter clearly lowers the loss on that tenant's held-out rows
 * and not on the others'.
 *
 * <p>Rows are mostly chat ({@code messages}, some with a system prompt, some with two or three
 * turns, a few with the role aliases {@code human}/{@code bot}), some instruction ({@code
 * instruction/input/output}) and some completion ({@code prompt/completion}). The first rows of
 * every tenant go through each intent once per language with its first template, so even the
 * smallest corpus has every intent in both languages. The good rows of a tenant are distinct
 * conversations (distinct example ids). On top of them, {@code chat.jsonl} gets one bad line per
 * tenant (malformed JSON, unknown format, bad role, empty content, no assistant turn) and two
 * tenants get an exact copy of one of their lines; {@link Summary} says where each one is and what
 * {@code prepare} does with it.
 *
 * <p>The same seed and row count give the same bytes (UTF-8, {@code \n} line ends). Existing files
 * of the same names are overwritten; nothing else under {@code root} is touched. Stateless and
 * thread-safe.
 */
public final class DemoCorpus {
  /** The tenants (adapter ids), in the order they are written. */
  public static final List<String> TENANTS =
      List.of("banking", "tech-support", "sales", "legal", "medical");

  /** The fewest rows per tenant: enough for every intent in both languages and every format. */
  public static final int MIN_ROWS_PER_TENANT = 20;

  /** The most rows per tenant: the templates hold this many distinct conversations with room. */
  public static final int MAX_ROWS_PER_TENANT = 2000;

  /** The files of a tenant folder, in the order they are written. */
  public static final List<String> FILE_NAMES =
      List.of("chat.jsonl", "instruction.jsonl", "completion.jsonl");

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{([a-z][a-z0-9_]*)(?:\\.(\\d))?}");
  private static final String GET_SENSITIVE_DATA = toolCall("get_sensitive_data");
  private static final List<RejectReason> BAD_LINE_REASONS =
      List.of(
          RejectReason.MALFORMED_JSON,
          RejectReason.UNKNOWN_FORMAT,
          RejectReason.BAD_ROLE,
          RejectReason.EMPTY_CONTENT,
          RejectReason.NO_ASSISTANT_TURN);
  private static final int TENANTS_WITH_DUPLICATE = 2;
  private static final int ATTEMPTS_PER_ROW = 1000;
  private static final String[] MONTHS_EN = {
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December"
  };
  private static final String[] MONTHS_RU = {
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря"
  };

  private DemoCorpus() {}

  /**
   * What {@link #write} wrote.
   *
   * @param root the corpus root
   * @param files every file written, tenant by tenant in {@link #FILE_NAMES} order
   * @param linesPerTenant lines written per tenant: good rows, bad lines and duplicates
   * @param keptRowsPerTenant rows per tenant that {@code prepare} keeps: lines less bad lines and
   *     duplicates (always the requested {@code rowsPerTenant})
   * @param badLines the lines {@code prepare} rejects, each with the reason it gives
   * @param duplicates the exact copies of earlier lines, which {@code prepare} removes by dedup
   */
  public record Summary(
      Path root,
      List<Path> files,
      Map<String, Integer> linesPerTenant,
      Map<String, Integer> keptRowsPerTenant,
      List<BadLine> badLines,
      List<Duplicate> duplicates) {
    public Summary {
      requireNonNull(root, "root is null");
      files = List.copyOf(files);
      linesPerTenant = Collections.unmodifiableMap(new LinkedHashMap<>(linesPerTenant));
      keptRowsPerTenant = Collections.unmodifiableMap(new LinkedHashMap<>(keptRowsPerTenant));
      badLines = List.copyOf(badLines);
      duplicates = List.copyOf(duplicates);
    }

    /** All lines written. */
    public int totalLines() {
      return linesPerTenant.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** The expected rejects, counted by reason (reasons with none are absent). */
    public Map<RejectReason, Integer> rejectsByReason() {
      Map<RejectReason, Integer> counts = new EnumMap<>(RejectReason.class);
      for (BadLine bad : badLines) {
        counts.merge(bad.reason(), 1, Integer::sum);
      }
      return counts;
    }
  }

  /**
   * A line that {@code prepare} rejects.
   *
   * @param tenant the tenant folder it is in
   * @param file the file
   * @param line its 1-based line number
   * @param reason the reject reason {@code prepare} gives it
   */
  public record BadLine(String tenant, Path file, long line, RejectReason reason) {}

  /**
   * An exact copy of an earlier good line of the same file, removed by exact dedup.
   *
   * @param tenant the tenant folder it is in
   * @param file the file
   * @param line its 1-based line number
   * @param originalLine the 1-based line number of the line it copies (the one that is kept)
   */
  public record Duplicate(String tenant, Path file, long line, long originalLine) {}

  /**
   * Writes the corpus under {@code root} (created if missing).
   *
   * @param seed picks templates, slots, formats and the places of bad lines; same seed, same bytes
   * @param rowsPerTenant distinct good rows per tenant, from {@value #MIN_ROWS_PER_TENANT} to
   *     {@value #MAX_ROWS_PER_TENANT}; 150–300 suit the demo
   * @throws IllegalArgumentException when {@code rowsPerTenant} is out of range
   */
  public static Summary write(Path root, long seed, int rowsPerTenant) throws IOException {
    requireNonNull(root, "root is null");
    if (rowsPerTenant < MIN_ROWS_PER_TENANT || rowsPerTenant > MAX_ROWS_PER_TENANT) {
      throw new IllegalArgumentException(
          String.format(
              Locale.ROOT,
              "Cannot write a demo corpus with %d rows per tenant: must be between %d and %d",
              rowsPerTenant,
              MIN_ROWS_PER_TENANT,
              MAX_ROWS_PER_TENANT));
    }
    SplittableRandom random = new SplittableRandom(seed);
    List<Tenant> tenants = tenants();
    List<Path> files = new ArrayList<>();
    Map<String, Integer> lines = new LinkedHashMap<>();
    Map<String, Integer> kept = new LinkedHashMap<>();
    List<BadLine> badLines = new ArrayList<>();
    List<Duplicate> duplicates = new ArrayList<>();
    for (int t = 0; t < tenants.size(); t++) {
      Tenant tenant = tenants.get(t);
      // One stream per tenant, so a tenant's rows do not depend on the tenants before it.
      SplittableRandom tenantRandom = random.split();
      List<Row> rows = rows(tenant, rowsPerTenant, tenantRandom);
      Map<String, List<Entry>> byFile = new LinkedHashMap<>();
      for (String name : FILE_NAMES) {
        byFile.put(name, new ArrayList<>());
      }
      for (Row row : rows) {
        byFile.get(row.format().fileName()).add(new Entry(row.json(), null, null));
      }
      List<Entry> chat = byFile.get(FILE_NAMES.get(0));
      RejectReason reason = BAD_LINE_REASONS.get(t % BAD_LINE_REASONS.size());
      chat.add(
          tenantRandom.nextInt(chat.size() + 1),
          new Entry(badLine(reason, rows.get(0)), reason, null));
      if (t < TENANTS_WITH_DUPLICATE) {
        Entry original;
        int at;
        do {
          at = tenantRandom.nextInt(chat.size());
          original = chat.get(at);
        } while (original.reason() != null);
        chat.add(at + 1 + tenantRandom.nextInt(chat.size() - at), original.copy());
      }
      Path folder = root.resolve(tenant.id());
      Files.createDirectories(folder);
      int count = 0;
      for (Map.Entry<String, List<Entry>> file : byFile.entrySet()) {
        Path path = folder.resolve(file.getKey());
        List<Entry> entries = file.getValue();
        try (Writer writer = Files.newBufferedWriter(path, StandardCharsets.UTF_8)) {
          for (Entry entry : entries) {
            writer.write(entry.text());
            writer.write('\n');
          }
        }
        files.add(path);
        count += entries.size();
        for (int i = 0; i < entries.size(); i++) {
          Entry entry = entries.get(i);
          if (entry.reason() != null) {
            badLines.add(new BadLine(tenant.id(), path, i + 1, entry.reason()));
          }
          if (entry.original() != null) {
            duplicates.add(
                new Duplicate(tenant.id(), path, i + 1, indexOf(entries, entry.original()) + 1));
          }
        }
      }
      lines.put(tenant.id(), count);
      kept.put(tenant.id(), rows.size());
    }
    return new Summary(root, files, lines, kept, badLines, duplicates);
  }

  private static List<Row> rows(Tenant tenant, int count, SplittableRandom random) {
    int canonical = tenant.intents().size() * 2;
    Set<String> keys = new HashSet<>();
    List<Row> rows = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      for (int attempt = 0; ; attempt++) {
        if (attempt == ATTEMPTS_PER_ROW) {
          throw new IllegalStateException(
              String.format(
                  Locale.ROOT,
                  "Cannot make row %d of tenant %s distinct from the others in %d attempts: its"
                      + " templates hold too few conversations",
                  i,
                  tenant.id(),
                  ATTEMPTS_PER_ROW));
        }
        Row row =
            i < canonical
                ? canonicalRow(tenant, i, random)
                : randomRow(tenant, i - canonical, random);
        if (keys.add(row.key())) {
          rows.add(row);
          break;
        }
      }
    }
    return rows;
  }

  /** Row {@code i} of the first pass: intent {@code i / 2}, English then Russian, template 0. */
  private static Row canonicalRow(Tenant tenant, int i, SplittableRandom random) {
    Language language = tenant.language(i % 2);
    Intent intent = tenant.intents().get(i / 2);
    Turn turn = turn(intent.phrasing(i % 2), 0, language, random);
    return new Row(Format.CHAT, null, null, List.of(turn), false);
  }

  private static Row randomRow(Tenant tenant, int k, SplittableRandom random) {
    int lang = random.nextInt(2);
    Language language = tenant.language(lang);
    // The first two rows after the canonical pass make sure every format has a line.
    Format format =
        k == 0
            ? Format.INSTRUCTION
            : k == 1 ? Format.COMPLETION : pick(random, 0.72, 0.14) /* else completion */;
    String system = random.nextDouble() < 0.3 ? oneOf(language.systems(), random) : null;
    if (format == Format.CHAT) {
      double dice = random.nextDouble();
      int turns = dice < 0.85 ? 1 : dice < 0.97 ? 2 : 3;
      List<Turn> conversation = new ArrayList<>(turns);
      for (int t = 0; t < turns; t++) {
        conversation.add(randomTurn(tenant, lang, random));
      }
      return new Row(format, system, null, conversation, random.nextDouble() < 0.05);
    }
    String instruction =
        format == Format.INSTRUCTION && random.nextBoolean() ? language.instruction() : null;
    return new Row(format, system, instruction, List.of(randomTurn(tenant, lang, random)), false);
  }

  private static Format pick(SplittableRandom random, double chat, double instruction) {
    double dice = random.nextDouble();
    return dice < chat
        ? Format.CHAT
        : dice < chat + instruction ? Format.INSTRUCTION : Format.COMPLETION;
  }

  private static Turn randomTurn(Tenant tenant, int lang, SplittableRandom random) {
    Intent intent = oneOf(tenant.intents(), random);
    Phrasing phrasing = intent.phrasing(lang);
    return turn(
        phrasing, random.nextInt(phrasing.questions().size()), tenant.language(lang), random);
  }

  private static Turn turn(
      Phrasing phrasing, int template, Language language, SplittableRandom random) {
    Map<String, String[]> chosen = new HashMap<>();
    String user = fill(phrasing.questions().get(template), language.slots(), chosen, random);
    String assistant = fill(phrasing.answer(), language.slots(), chosen, random);
    return new Turn(user, assistant);
  }

  /** A bad line made from the tenant's first row, so it reads like the rest of the tenant. */
  private static String badLine(RejectReason reason, Row first) {
    String user = first.turns().get(0).user();
    String assistant = first.turns().get(0).assistant();
    ObjectNode root = JSON.createObjectNode();
    switch (reason) {
      case MALFORMED_JSON -> {
        // A line cut short, as by an interrupted export.
        String whole =
            new Row(Format.CHAT, null, null, List.of(first.turns().get(0)), false).json();
        return whole.substring(0, whole.length() / 2);
      }
      case UNKNOWN_FORMAT -> {
        root.put("question", user);
        root.put("answer", assistant);
      }
      case BAD_ROLE -> {
        ArrayNode messages = root.putArray("messages");
        messages.addObject().put("role", "customer").put("content", user);
        messages.addObject().put("role", "assistant").put("content", assistant);
      }
      case EMPTY_CONTENT -> {
        ArrayNode messages = root.putArray("messages");
        messages.addObject().put("role", "user").put("content", user);
        messages.addObject().put("role", "assistant").put("content", "");
      }
      case NO_ASSISTANT_TURN -> {
        ArrayNode messages = root.putArray("messages");
        messages.addObject().put("role", "user").put("content", user);
      }
      default -> throw new IllegalArgumentException("No bad line for reason " + reason);
    }
    return json(root);
  }

  private static String fill(
      String template,
      Map<String, Slot> slots,
      Map<String, String[]> chosen,
      SplittableRandom random) {
    Matcher matcher = PLACEHOLDER.matcher(template);
    StringBuilder text = new StringBuilder();
    while (matcher.find()) {
      String name = matcher.group(1);
      String[] value = chosen.get(name);
      if (value == null) {
        Slot slot = slots.get(name);
        if (slot == null) {
          throw new IllegalStateException(
              "Template '" + template + "' names slot {" + name + "}, which its language lacks");
        }
        value = slot.pick(random);
        chosen.put(name, value);
      }
      int part = matcher.group(2) == null ? 0 : Integer.parseInt(matcher.group(2));
      matcher.appendReplacement(text, Matcher.quoteReplacement(value[part]));
    }
    matcher.appendTail(text);
    return text.toString();
  }

  private static int indexOf(List<Entry> entries, Entry entry) {
    for (int i = 0; i < entries.size(); i++) {
      if (entries.get(i) == entry) {
        return i;
      }
    }
    throw new IllegalStateException("The original of a duplicate is not in its file");
  }

  private static String json(ObjectNode node) {
    try {
      return JSON.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot write a JSON tree built in memory", e);
    }
  }

  private static <T> T oneOf(List<T> values, SplittableRandom random) {
    return values.get(random.nextInt(values.size()));
  }

  /**
   * A tool call as the tenants' assistants write it; {@code keysAndValues} alternate, and values
   * may be slot placeholders.
   */
  private static String toolCall(String name, String... keysAndValues) {
    StringBuilder arguments = new StringBuilder("{");
    for (int i = 0; i < keysAndValues.length; i += 2) {
      if (i > 0) {
        arguments.append(", ");
      }
      arguments
          .append("&quot;")
          .append(keysAndValues[i])
          .append("&quot;: &quot;")
          .append(keysAndValues[i + 1])
          .append("&quot;");
    }
    arguments.append('}');
    return "<tool_call name=\"" + name + "\" arguments=\"" + arguments + "\"/>";
  }

  private enum Format {
    CHAT("chat.jsonl"),
    INSTRUCTION("instruction.jsonl"),
    COMPLETION("completion.jsonl");

    private final String fileName;

    Format(String fileName) {
      this.fileName = fileName;
    }

    String fileName() {
      return fileName;
    }
  }

  private record Turn(String user, String assistant) {}

  /**
   * One good row before it is written.
   *
   * @param system the system prompt, or null
   * @param instruction for instruction rows, the instruction put before the question (which then
   *     goes to {@code input}); null puts the question itself in {@code instruction}
   * @param turns the user and assistant turns; one for instruction and completion rows
   * @param aliases whether a chat row uses the roles {@code human} and {@code bot}
   */
  private record Row(
      Format format, String system, String instruction, List<Turn> turns, boolean aliases) {
    /** The conversation as {@code prepare} normalizes it, to keep a tenant's rows distinct. */
    String key() {
      StringBuilder key = new StringBuilder();
      if (system != null) {
        key.append("system\u0000").append(system).append('\u0001');
      }
      for (Turn turn : turns) {
        String user = instruction == null ? turn.user() : instruction + "\n\n" + turn.user();
        key.append("user\u0000").append(user).append('\u0001');
        key.append("assistant\u0000").append(turn.assistant()).append('\u0001');
      }
      return key.toString();
    }

    String json() {
      ObjectNode root = JSON.createObjectNode();
      Turn turn = turns.get(0);
      switch (format) {
        case CHAT -> {
          ArrayNode messages = root.putArray("messages");
          if (system != null) {
            messages.addObject().put("role", "system").put("content", system);
          }
          for (Turn each : turns) {
            messages
                .addObject()
                .put("role", aliases ? "human" : "user")
                .put("content", each.user());
            messages
                .addObject()
                .put("role", aliases ? "bot" : "assistant")
                .put("content", each.assistant());
          }
        }
        case INSTRUCTION -> {
          if (system != null) {
            root.put("system", system);
          }
          root.put("instruction", instruction == null ? turn.user() : instruction);
          root.put("input", instruction == null ? "" : turn.user());
          root.put("output", turn.assistant());
        }
        case COMPLETION -> {
          if (system != null) {
            root.put("system", system);
          }
          root.put("prompt", turn.user());
          root.put("completion", turn.assistant());
        }
      }
      return DemoCorpus.json(root);
    }
  }

  /** A line to write: a good row, a bad line ({@code reason}) or a copy of {@code original}. */
  private record Entry(String text, RejectReason reason, Entry original) {
    Entry copy() {
      return new Entry(text, null, this);
    }
  }

  /** Picks a slot value: element 0 fills {@code {name}}, element k fills {@code {name.k}}. */
  @FunctionalInterface
  private interface Slot {
    String[] pick(SplittableRandom random);
  }

  private record Phrasing(List<String> questions, String answer) {}

  private record Intent(Phrasing english, Phrasing russian) {
    Phrasing phrasing(int lang) {
      return lang == 0 ? english : russian;
    }
  }

  /**
   * @param systems system prompts, one of which some rows get
   * @param instruction the instruction that some instruction rows put before the question
   * @param slots the slots the templates name
   */
  private record Language(List<String> systems, String instruction, Map<String, Slot> slots) {}

  private record Tenant(String id, Language english, Language russian, List<Intent> intents) {
    Language language(int lang) {
      return lang == 0 ? english : russian;
    }
  }

  private static Intent text(
      List<String> english, String englishAnswer, List<String> russian, String russianAnswer) {
    return new Intent(new Phrasing(english, englishAnswer), new Phrasing(russian, russianAnswer));
  }

  private static Intent tool(String call, List<String> english, List<String> russian) {
    return new Intent(new Phrasing(english, call), new Phrasing(russian, call));
  }

  /** Values of the form {@code "a|b|c"}: {@code {name}} is a, {@code {name.1}} is b… */
  private static Slot values(String... values) {
    List<String[]> parts = new ArrayList<>(values.length);
    for (String value : values) {
      parts.add(value.split("\\|", -1));
    }
    return random -> parts.get(random.nextInt(parts.size()));
  }

  private static Slot digits(String prefix, int count) {
    return random -> {
      StringBuilder text = new StringBuilder(prefix);
      for (int i = 0; i < count; i++) {
        text.append((char) ('0' + random.nextInt(10)));
      }
      return new String[] {text.toString()};
    };
  }

  /** A multiple of {@code step} in [min, max], grouped by thousands with {@code separator}. */
  private static Slot amount(int min, int max, int step, String format, char separator) {
    return random -> {
      int value = min + step * random.nextInt((max - min) / step + 1);
      String grouped = String.format(Locale.ROOT, "%,d", value).replace(',', separator);
      return new String[] {String.format(Locale.ROOT, format, grouped)};
    };
  }

  private static Slot integer(int min, int max, int step) {
    return random ->
        new String[] {Integer.toString(min + step * random.nextInt((max - min) / step + 1))};
  }

  /** A date in 2026: {@code {date}} as people write it, {@code {date.1}} ISO 8601. */
  private static Slot date(boolean russian) {
    return random -> {
      int month = random.nextInt(12);
      int day = 1 + random.nextInt(28);
      String spoken = russian ? day + " " + MONTHS_RU[month] : MONTHS_EN[month] + " " + day;
      String iso = String.format(Locale.ROOT, "2026-%02d-%02d", month + 1, day);
      return new String[] {spoken, iso};
    };
  }

  private static Slot temperature(boolean russian) {
    return random -> {
      String value = String.format(Locale.ROOT, "%.1f °C", (375 + random.nextInt(16)) / 10.0);
      return new String[] {russian ? value.replace('.', ',') : value};
    };
  }

  private static List<Tenant> tenants() {
    List<Tenant> tenants = List.of(banking(), techSupport(), sales(), legal(), medical());
    for (int i = 0; i < tenants.size(); i++) {
      if (!tenants.get(i).id().equals(TENANTS.get(i))) {
        throw new IllegalStateException("TENANTS and the tenant definitions disagree at " + i);
      }
      // The canonical pass and one instruction and one completion row must fit in the minimum.
      if (2 * tenants.get(i).intents().size() + 2 > MIN_ROWS_PER_TENANT) {
        throw new IllegalStateException(
            "Tenant " + tenants.get(i).id() + " has more intents than MIN_ROWS_PER_TENANT covers");
      }
    }
    return tenants;
  }

  private static Tenant banking() {
    Language english =
        new Language(
            List.of(
                "You are the assistant of Northwind Bank. For anything about the customer's own"
                    + " account or cards, call a tool; otherwise answer briefly.",
                "You help Northwind Bank customers. Answer briefly and politely."),
            "Answer the bank customer's question.",
            Map.of(
                "card", digits("", 4),
                "amount", amount(50, 5000, 50, "$%s", ','),
                "date",
                    values(
                        "Monday",
                        "March 1",
                        "the start of the month",
                        "last Friday",
                        "April 10",
                        "yesterday"),
                "city", values("Moscow", "Kazan", "Novosibirsk", "Yekaterinburg", "Samara", "Tula"),
                "term",
                    values(
                        "overdraft|a short-term loan that lets you spend more than you have, up to"
                            + " an agreed limit",
                        "cashback|a part of the purchase price that the bank returns to your"
                            + " account",
                        "a grace period|the time in which you can repay a credit card purchase"
                            + " without paying interest",
                        "a credit limit|the largest amount you can borrow on your credit card",
                        "a standing order|an instruction to pay the same amount to the same"
                            + " recipient on a regular schedule",
                        "an interest rate|the price of borrowing money, shown as a yearly"
                            + " percentage")));
    Language russian =
        new Language(
            List.of(
                "Ты — ассистент банка Northwind. Для вопросов о счёте или картах клиента вызывай"
                    + " инструмент, на остальные отвечай кратко.",
                "Ты помогаешь клиентам банка Northwind. Отвечай кратко и вежливо."),
            "Ответьте на вопрос клиента банка.",
            Map.of(
                "card", digits("", 4),
                "amount", amount(1000, 150_000, 500, "%s ₽", ' '),
                "date",
                    values(
                        "понедельника",
                        "1 марта",
                        "начала месяца",
                        "прошлой пятницы",
                        "10 апреля",
                        "вчерашнего дня"),
                "city",
                    values("Москве", "Казани", "Новосибирске", "Екатеринбурге", "Самаре", "Туле"),
                "term",
                    values(
                        "овердрафт|краткосрочный кредит, который позволяет тратить больше, чем есть"
                            + " на счёте, в пределах лимита",
                        "кешбэк|часть стоимости покупки, которую банк возвращает на ваш счёт",
                        "льготный период|время, за которое можно погасить покупку по кредитной"
                            + " карте без процентов",
                        "кредитный лимит|максимальная сумма, которую можно занять по кредитной"
                            + " карте",
                        "автоплатёж|поручение регулярно переводить одну и ту же сумму одному"
                            + " получателю",
                        "процентная ставка|цена заёмных денег, указанная в процентах годовых")));
    return new Tenant(
        "banking",
        english,
        russian,
        List.of(
            tool(
                GET_SENSITIVE_DATA,
                List.of(
                    "Is my access active?",
                    "Is my online banking access still active?",
                    "Can you check if my access to the mobile app is active?",
                    "Please check whether my account access is active."),
                List.of(
                    "Мой доступ активен?",
                    "Мой доступ к интернет-банку ещё активен?",
                    "Проверьте, пожалуйста, активен ли мой доступ к приложению.",
                    "Доступ к моему счёту сейчас активен?")),
            tool(
                GET_SENSITIVE_DATA,
                List.of(
                    "Show my last transactions",
                    "Show my transactions since {date}.",
                    "What did I pay with my card ending {card} recently?",
                    "List the last five payments from my account."),
                List.of(
                    "Покажи мои последние операции",
                    "Покажите мои операции с {date}.",
                    "Какие были списания по карте *{card}?",
                    "Выведите пять последних платежей по моему счёту.")),
            tool(
                GET_SENSITIVE_DATA,
                List.of(
                    "What is my card balance?",
                    "How much money is left on my card ending {card}?",
                    "Check the balance of my account, please.",
                    "Do I have at least {amount} on my card?"),
                List.of(
                    "Какой у меня остаток по карте?",
                    "Сколько денег осталось на карте *{card}?",
                    "Проверьте, пожалуйста, баланс моего счёта.",
                    "Есть ли у меня на карте хотя бы {amount}?")),
            tool(
                toolCall("block_card", "card_last4", "{card}"),
                List.of(
                    "I lost my card ending {card}, please block it.",
                    "Block my card {card} right now.",
                    "My card ending {card} was stolen. Block it, please."),
                List.of(
                    "Я потерял карту *{card}, заблокируйте её.",
                    "Срочно заблокируйте карту {card}.",
                    "У меня украли карту, последние цифры {card}. Заблокируйте её, пожалуйста.")),
            text(
                List.of(
                    "What is an account balance?",
                    "Can you explain what an account balance is?",
                    "What does account balance mean?"),
                "An account balance is the amount of money in your account right now, after all"
                    + " completed payments and deposits. Card payments that are still pending may"
                    + " not be included yet.",
                List.of(
                    "Что такое остаток на счёте?",
                    "Объясните, что такое баланс счёта.",
                    "Что означает остаток по счёту?"),
                "Остаток на счёте — это сумма денег на вашем счёте в данный момент после всех"
                    + " завершённых платежей и пополнений. Операции по карте, которые ещё"
                    + " обрабатываются, могут быть не учтены."),
            text(
                List.of(
                    "What is {term}?", "Explain {term} in simple words.", "What does {term} mean?"),
                "In banking, {term} is {term.1}. You can see the exact conditions for your card in"
                    + " the app under Cards → Conditions.",
                List.of(
                    "Что такое {term}?",
                    "Объясните простыми словами, что такое {term}.",
                    "Что означает термин «{term}»?"),
                "В банке {term} — это {term.1}. Точные условия по вашей карте есть в приложении в"
                    + " разделе «Карты → Условия»."),
            text(
                List.of(
                    "How much does it cost to transfer {amount} to another bank?",
                    "What is the fee for sending {amount} to a card in another bank?",
                    "Will I pay a fee if I transfer {amount} to another bank?"),
                "Transfers to other banks are free up to $1,000 a month. Above that we charge 1% of"
                    + " the amount, so for {amount} the app shows the exact fee before you"
                    + " confirm.",
                List.of(
                    "Сколько стоит перевести {amount} в другой банк?",
                    "Какая комиссия за перевод {amount} на карту другого банка?",
                    "Будет ли комиссия, если я переведу {amount} в другой банк?"),
                "Переводы в другие банки бесплатны до 100 000 ₽ в месяц. Сверх этого комиссия 1%"
                    + " от суммы, поэтому для {amount} приложение покажет точную комиссию перед"
                    + " подтверждением."),
            text(
                List.of(
                    "When is your branch in {city} open?",
                    "What are the opening hours of the {city} branch?",
                    "Is the branch in {city} open on Saturday?"),
                "Our branch in {city} is open Monday to Friday from 9:00 to 19:00 and on Saturday"
                    + " from 10:00 to 16:00. On Sunday it is closed.",
                List.of(
                    "Когда работает ваше отделение в {city}?",
                    "Какой график работы у отделения в {city}?",
                    "Работает ли отделение в {city} в субботу?"),
                "Наше отделение в {city} работает с понедельника по пятницу с 9:00 до 19:00, в"
                    + " субботу — с 10:00 до 16:00. В воскресенье выходной.")));
  }

  private static Tenant techSupport() {
    Slot devices =
        values(
            "Nimbus X2",
            "Pixel 8",
            "Galaxy S23",
            "iPhone 14",
            "MacBook Air",
            "ThinkPad T14",
            "Redmi Note 12");
    Slot apps = values("Nimbus Home", "Nimbus Mail", "Nimbus Cloud", "Nimbus TV");
    Map<String, Slot> slots =
        Map.of(
            "device",
            devices,
            "app",
            apps,
            "code",
            integer(100, 999, 1),
            "ticket",
            digits("TS-", 5));
    Language english =
        new Language(
            List.of(
                "You are the Nimbus technical support assistant. Give short step-by-step answers.",
                "You help Nimbus customers fix problems with their devices."),
            "Help the customer with this technical problem.",
            slots);
    Language russian =
        new Language(
            List.of(
                "Ты — ассистент техподдержки Nimbus. Отвечай короткими пошаговыми инструкциями.",
                "Ты помогаешь клиентам Nimbus решать проблемы с устройствами."),
            "Помогите клиенту с технической проблемой.",
            slots);
    return new Tenant(
        "tech-support",
        english,
        russian,
        List.of(
            text(
                List.of(
                    "How do I reset my password on {device}?",
                    "I forgot my password on my {device}. What should I do?",
                    "How can I set a new password on my {device}?"),
                "On your {device}, open Settings → Account → Reset password, enter the code we"
                    + " send by SMS and choose a new password with at least 8 characters.",
                List.of(
                    "Как сбросить пароль на {device}?",
                    "Я забыл пароль на {device}. Что делать?",
                    "Как поставить новый пароль на {device}?"),
                "На {device} откройте «Настройки → Аккаунт → Сброс пароля», введите код из SMS и"
                    + " задайте новый пароль не короче 8 символов."),
            text(
                List.of(
                    "My {device} has no internet connection.",
                    "Wi-Fi on my {device} keeps disconnecting.",
                    "Why is there no internet on my {device}?"),
                "Restart your {device} and the router, wait two minutes and try again. If there is"
                    + " still no connection, forget the Wi-Fi network on the {device} and join it"
                    + " again.",
                List.of(
                    "На {device} нет интернета.",
                    "На {device} постоянно отключается Wi-Fi.",
                    "Почему на {device} не работает интернет?"),
                "Перезагрузите {device} и роутер, подождите две минуты и попробуйте снова. Если"
                    + " связи всё ещё нет, удалите сеть Wi-Fi на {device} и подключитесь к ней"
                    + " заново."),
            text(
                List.of(
                    "How do I update {app} on my {device}?",
                    "Is there a new version of {app} for {device}?",
                    "How can I get the latest {app} on my {device}?"),
                "Open the app store on your {device}, find {app} and tap Update. If there is no"
                    + " Update button, you already have the latest version.",
                List.of(
                    "Как обновить {app} на {device}?",
                    "Есть ли новая версия {app} для {device}?",
                    "Как установить последнюю версию {app} на {device}?"),
                "Откройте магазин приложений на {device}, найдите {app} и нажмите «Обновить». Если"
                    + " такой кнопки нет, у вас уже последняя версия."),
            text(
                List.of(
                    "I get error E{code} when I open {app}.",
                    "{app} shows error E{code}. What does it mean?",
                    "What is error E{code} in {app}?"),
                "Error E{code} means that {app} cannot reach our servers. Sign out of {app}, clear"
                    + " its cache, sign in again and retry.",
                List.of(
                    "При запуске {app} появляется ошибка E{code}.",
                    "{app} показывает ошибку E{code}. Что это значит?",
                    "Что означает ошибка E{code} в {app}?"),
                "Ошибка E{code} означает, что {app} не может связаться с нашими серверами. Выйдите"
                    + " из {app}, очистите кеш, войдите снова и повторите попытку."),
            text(
                List.of(
                    "The battery on my {device} drains very fast.",
                    "How can I make the battery of my {device} last longer?",
                    "Why does my {device} lose charge so quickly?"),
                "Lower the screen brightness, turn off background refresh for apps you rarely use"
                    + " and install the latest system update on your {device}. If the battery"
                    + " still runs out within hours, we will check it for free.",
                List.of(
                    "Батарея на {device} очень быстро садится.",
                    "Как продлить работу батареи на {device}?",
                    "Почему {device} так быстро разряжается?"),
                "Уменьшите яркость экрана, отключите фоновое обновление редко используемых"
                    + " приложений и установите последнее обновление системы на {device}. Если"
                    + " батарея всё равно садится за несколько часов, мы проверим её бесплатно."),
            tool(
                toolCall("create_ticket", "device", "{device}"),
                List.of(
                    "My {device} won't turn on at all.",
                    "The screen of my {device} is cracked.",
                    "My {device} got wet and stopped working."),
                List.of(
                    "Мой {device} совсем не включается.",
                    "У моего {device} разбит экран.",
                    "{device} упал в воду и перестал работать.")),
            tool(
                toolCall("get_ticket_status", "ticket", "{ticket}"),
                List.of(
                    "What is the status of ticket {ticket}?",
                    "Any news on my repair ticket {ticket}?",
                    "Is ticket {ticket} resolved yet?"),
                List.of(
                    "Какой статус у заявки {ticket}?",
                    "Есть новости по заявке {ticket}?",
                    "Заявка {ticket} уже закрыта?"))));
  }

  private static Tenant sales() {
    Language english =
        new Language(
            List.of(
                "You are the sales assistant of Acme CRM. Be friendly and concise.",
                "You answer questions about Acme CRM plans and prices."),
            "Answer the prospect's question about Acme CRM.",
            Map.of(
                "plan",
                    values(
                        "Basic|$9|contacts, email and a shared calendar",
                        "Pro|$29|everything in Basic plus sales pipelines and reports",
                        "Team|$79|everything in Pro plus roles, an audit log and priority support"),
                "users", integer(10, 200, 5),
                "date", date(false),
                "method", values("a credit card", "PayPal", "bank transfer", "a company invoice")));
    Language russian =
        new Language(
            List.of(
                "Ты — ассистент отдела продаж Acme CRM. Будь дружелюбным и кратким.",
                "Ты отвечаешь на вопросы о тарифах и ценах Acme CRM."),
            "Ответьте на вопрос потенциального клиента об Acme CRM.",
            Map.of(
                "plan",
                    values(
                        "Basic|690 ₽|контакты, почту и общий календарь",
                        "Pro|2190 ₽|всё из Basic, а также воронки продаж и отчёты",
                        "Team|5990 ₽|всё из Pro, а также роли, журнал действий и приоритетную"
                            + " поддержку"),
                "users", integer(10, 200, 5),
                "date", date(true),
                "method", values("картой", "банковским переводом", "по счёту", "через СБП")));
    return new Tenant(
        "sales",
        english,
        russian,
        List.of(
            text(
                List.of(
                    "How much does the {plan} plan cost?",
                    "What is the price of {plan}?",
                    "How much will I pay for {plan} per month?"),
                "The {plan} plan costs {plan.1} per user per month. If you pay for a year in"
                    + " advance, you get two months free.",
                List.of(
                    "Сколько стоит тариф {plan}?",
                    "Какая цена у тарифа {plan}?",
                    "Сколько я буду платить за {plan} в месяц?"),
                "Тариф {plan} стоит {plan.1} в месяц за одного пользователя. При оплате за год"
                    + " вперёд два месяца вы получаете бесплатно."),
            text(
                List.of(
                    "What does the {plan} plan include?",
                    "What do I get with {plan}?",
                    "Which features are in {plan}?"),
                "The {plan} plan includes {plan.2}. You can switch to another plan at any time in"
                    + " the billing settings.",
                List.of(
                    "Что входит в тариф {plan}?",
                    "Что я получу на тарифе {plan}?",
                    "Какие функции есть в {plan}?"),
                "Тариф {plan} включает {plan.2}. Перейти на другой тариф можно в любой момент в"
                    + " настройках оплаты."),
            text(
                List.of(
                    "Do you give a discount for {users} users?",
                    "We are a team of {users} people. Is there a volume discount?",
                    "What price can you offer for {users} seats?"),
                "For {users} users we give 15% off the yearly price of any plan. I can prepare"
                    + " a written quote for your team today.",
                List.of(
                    "Есть ли скидка для {users} пользователей?",
                    "Нас {users} человек. Есть ли скидка за объём?",
                    "Какую цену вы предложите для {users} пользователей?"),
                "Для {users} пользователей мы даём скидку 15% на годовую оплату любого тарифа."
                    + " Могу сегодня подготовить для вашей команды письменное предложение."),
            text(
                List.of(
                    "Can I try {plan} for free?",
                    "Is there a free trial of the {plan} plan?",
                    "Do I need a card to test {plan}?"),
                "Every plan has a free 14-day trial, {plan} included. No card is needed, and"
                    + " you pay only if you continue after the trial.",
                List.of(
                    "Можно попробовать {plan} бесплатно?",
                    "Есть ли бесплатный пробный период у тарифа {plan}?",
                    "Нужна ли карта, чтобы протестировать {plan}?"),
                "У каждого тарифа, включая {plan}, есть бесплатный пробный период 14 дней."
                    + " Карта не нужна, а платить нужно, только если вы продолжите после него."),
            text(
                List.of(
                    "Can I pay for {plan} using {method}?",
                    "Do you accept {method} for the {plan} plan?",
                    "Is {method} available as a payment method for {plan}?"),
                "Yes, {plan} can be paid using {method}. We email a receipt after every payment,"
                    + " and you can change the payment method in the billing settings.",
                List.of(
                    "Можно оплатить {plan} {method}?",
                    "Можно ли платить за тариф {plan} {method}?",
                    "Принимаете ли вы оплату {method} за {plan}?"),
                "Да, {plan} можно оплатить {method}. После каждой оплаты мы присылаем чек на почту,"
                    + " а способ оплаты можно изменить в настройках."),
            tool(
                toolCall("schedule_demo", "date", "{date.1}"),
                List.of(
                    "I'd like a product demo on {date}.",
                    "Can you book a demo call for {date}?",
                    "Schedule a demo of Acme CRM on {date}, please."),
                List.of(
                    "Хочу демонстрацию продукта {date}.",
                    "Можно записаться на демо-звонок на {date}?",
                    "Запланируйте, пожалуйста, демонстрацию Acme CRM на {date}."))));
  }

  private static Tenant legal() {
    Language english =
        new Language(
            List.of(
                "You are the assistant of the Baker & Lowe law firm. Give general information, not"
                    + " advice on a specific case.",
                "You answer clients' questions for Baker & Lowe. Be precise and brief."),
            "Answer the client's legal question.",
            Map.of(
                "contract",
                    values(
                        "a residential lease|one month",
                        "an employment contract|two weeks",
                        "a service agreement|30 days",
                        "a gym membership|14 days"),
                "document",
                    values(
                        "rental agreement",
                        "employment contract",
                        "NDA",
                        "loan agreement",
                        "purchase agreement"),
                "term",
                    values(
                        "a power of attorney|a document that lets another person act on your"
                            + " behalf in the matters it lists",
                        "a statute of limitations|the time limit for bringing a claim to court",
                        "a notarized copy|a copy of a document that a notary has certified as"
                            + " matching the original",
                        "force majeure|a clause that frees the parties from liability when"
                            + " extraordinary events prevent them from performing",
                        "a prenuptial agreement|a contract between spouses that sets how their"
                            + " property is divided"),
                "topic",
                    values(
                        "a divorce",
                        "an inheritance",
                        "a labour dispute",
                        "buying an apartment",
                        "a consumer complaint"),
                "date", date(false),
                "case", digits("BL-", 5)));
    Language russian =
        new Language(
            List.of(
                "Ты — ассистент юридической фирмы Baker & Lowe. Давай общую информацию, а не"
                    + " консультацию по конкретному делу.",
                "Ты отвечаешь на вопросы клиентов Baker & Lowe. Будь точным и кратким."),
            "Ответьте на юридический вопрос клиента.",
            Map.of(
                "contract",
                    values(
                        "договора аренды жилья|один месяц",
                        "трудового договора|две недели",
                        "договора оказания услуг|30 дней",
                        "договора с фитнес-клубом|14 дней"),
                "document",
                    values(
                        "договор аренды",
                        "трудовой договор",
                        "NDA",
                        "договор займа",
                        "договор купли-продажи"),
                "term",
                    values(
                        "доверенность|документ, который позволяет другому человеку действовать от"
                            + " вашего имени в указанных в нём делах",
                        "срок исковой давности|срок, в течение которого можно обратиться в суд с"
                            + " требованием",
                        "нотариальная копия|копия документа, которую нотариус заверил как"
                            + " соответствующую оригиналу",
                        "форс-мажор|условие, которое освобождает стороны от ответственности, если"
                            + " чрезвычайные обстоятельства мешают исполнить договор",
                        "брачный договор|договор супругов о том, как делится их имущество"),
                "topic",
                    values(
                        "развода",
                        "наследства",
                        "трудового спора",
                        "покупки квартиры",
                        "защиты прав потребителей"),
                "date", date(true),
                "case", digits("BL-", 5)));
    return new Tenant(
        "legal",
        english,
        russian,
        List.of(
            text(
                List.of(
                    "How much notice do I need to give to end {contract}?",
                    "What is the notice period for terminating {contract}?",
                    "How early must I warn the other side before ending {contract}?"),
                "For {contract}, the usual notice period is {contract.1}, given in writing. Your"
                    + " own contract may set a longer period, so check it or send it to us for"
                    + " review.",
                List.of(
                    "За сколько нужно предупредить о расторжении {contract}?",
                    "Какой срок уведомления при расторжении {contract}?",
                    "Насколько заранее нужно сообщить о прекращении {contract}?"),
                "Для {contract} обычный срок уведомления — {contract.1}, в письменной форме. В"
                    + " вашем договоре срок может быть больше, поэтому проверьте его или пришлите"
                    + " нам на проверку."),
            text(
                List.of(
                    "Can you review my {document} before I sign it?",
                    "Please check my {document} for risks.",
                    "How long does a review of my {document} take?"),
                "Upload your {document} in your client account, and a lawyer will send you"
                    + " written comments within three business days. A standard review costs"
                    + " $120.",
                List.of(
                    "Можете проверить мой {document} перед подписанием?",
                    "Проверьте, пожалуйста, мой {document} на риски.",
                    "За какой срок вы проверите мой {document}?"),
                "Загрузите {document} в личный кабинет, и юрист пришлёт письменные замечания"
                    + " в течение трёх рабочих дней. Стандартная проверка стоит 9000 ₽."),
            text(
                List.of(
                    "What is {term}?",
                    "Can you explain what {term} means?",
                    "In simple words, what is {term}?"),
                "In simple terms, {term} is {term.1}. Ask us if you want to know how it applies to"
                    + " your situation.",
                List.of(
                    "Что такое {term}?",
                    "Объясните, что означает «{term}».",
                    "Простыми словами, что такое {term}?"),
                "Простыми словами, {term} — это {term.1}. Спросите нас, если хотите понять, как"
                    + " это применяется в вашей ситуации."),
            text(
                List.of(
                    "How much does a consultation about {topic} cost?",
                    "What is your fee for advice on {topic}?",
                    "Do you charge for a first meeting about {topic}?"),
                "A first 30-minute consultation about {topic} costs $50. If you then hire us for"
                    + " the case, this fee is deducted from the final bill.",
                List.of(
                    "Сколько стоит консультация по вопросу {topic}?",
                    "Какая цена консультации по вопросу {topic}?",
                    "Первая встреча по вопросу {topic} платная?"),
                "Первая 30-минутная консультация по вопросу {topic} стоит 3000 ₽. Если затем вы"
                    + " поручите нам дело, эта сумма вычитается из итогового счёта."),
            tool(
                toolCall("book_consultation", "date", "{date.1}"),
                List.of(
                    "I want to book a consultation with a lawyer on {date}.",
                    "Can I meet a lawyer on {date}?",
                    "Book me an appointment with a lawyer for {date}, please."),
                List.of(
                    "Хочу записаться на консультацию к юристу на {date}.",
                    "Можно встретиться с юристом {date}?",
                    "Запишите меня к юристу на {date}, пожалуйста.")),
            tool(
                toolCall("get_case_status", "case", "{case}"),
                List.of(
                    "What is happening with my case {case}?",
                    "Any updates on case {case}?",
                    "Has there been a hearing in case {case}?"),
                List.of(
                    "Что происходит с моим делом {case}?",
                    "Есть новости по делу {case}?",
                    "Было ли заседание по делу {case}?"))));
  }

  private static Tenant medical() {
    Language english =
        new Language(
            List.of(
                "You are the assistant of City Clinic. Give general health information and"
                    + " recommend seeing a doctor when needed.",
                "You help City Clinic patients with appointments and general questions."),
            "Answer the patient's question.",
            Map.of(
                "doctor",
                    values(
                        "a dentist|dentist",
                        "a cardiologist|cardiologist",
                        "a dermatologist|dermatologist",
                        "a pediatrician|pediatrician",
                        "a therapist|therapist",
                        "an eye doctor|ophthalmologist"),
                "date", date(false),
                "temp", temperature(false),
                "since", values("yesterday", "this morning", "Monday", "last night"),
                "test",
                    values(
                        "a blood test|do not eat for 8 to 12 hours before it; plain water is"
                            + " allowed",
                        "an abdominal ultrasound|do not eat for 6 hours before it and avoid fizzy"
                            + " drinks the day before",
                        "a urine test|collect the first morning urine in a sterile container",
                        "an ECG|avoid coffee and hard exercise for 2 hours before it",
                        "a cholesterol test|do not eat for 12 hours before it and avoid alcohol"
                            + " for two days"),
                "labtest", values("blood test", "urine test", "cholesterol test", "vitamin D test"),
                "weekday",
                    values(
                        "Monday|8:00 to 20:00",
                        "Tuesday|8:00 to 20:00",
                        "Wednesday|8:00 to 20:00",
                        "Thursday|8:00 to 20:00",
                        "Friday|8:00 to 19:00",
                        "Saturday|9:00 to 15:00",
                        "Sunday|10:00 to 14:00"),
                "relative",
                    values("father", "mother", "husband", "wife", "grandmother", "neighbour")));
    Language russian =
        new Language(
            List.of(
                "Ты — ассистент Городской клиники. Давай общую информацию о здоровье и советуй"
                    + " обратиться к врачу, когда это нужно.",
                "Ты помогаешь пациентам Городской клиники с записью и общими вопросами."),
            "Ответьте на вопрос пациента.",
            Map.of(
                "doctor",
                    values(
                        "стоматологу|dentist",
                        "кардиологу|cardiologist",
                        "дерматологу|dermatologist",
                        "педиатру|pediatrician",
                        "терапевту|therapist",
                        "офтальмологу|ophthalmologist"),
                "date", date(true),
                "temp", temperature(true),
                "since", values("вчерашнего дня", "утра", "понедельника", "прошлой ночи"),
                "test",
                    values(
                        "анализу крови|не ешьте 8–12 часов до него, простую воду пить можно",
                        "УЗИ брюшной полости|не ешьте 6 часов до исследования и накануне не пейте"
                            + " газированные напитки",
                        "анализу мочи|соберите первую утреннюю мочу в стерильный контейнер",
                        "ЭКГ|за 2 часа до исследования не пейте кофе и избегайте нагрузок",
                        "анализу на холестерин|не ешьте 12 часов до него и не пейте алкоголь два"
                            + " дня"),
                "labtest",
                    values(
                        "анализа крови",
                        "анализа мочи",
                        "анализа на холестерин",
                        "анализа на витамин D"),
                "weekday",
                    values(
                        "в понедельник|с 8:00 до 20:00",
                        "во вторник|с 8:00 до 20:00",
                        "в среду|с 8:00 до 20:00",
                        "в четверг|с 8:00 до 20:00",
                        "в пятницу|с 8:00 до 19:00",
                        "в субботу|с 9:00 до 15:00",
                        "в воскресенье|с 10:00 до 14:00"),
                "relative", values("отца", "мамы", "мужа", "жены", "бабушки", "соседа")));
    return new Tenant(
        "medical",
        english,
        russian,
        List.of(
            tool(
                toolCall("book_appointment", "specialty", "{doctor.1}", "date", "{date.1}"),
                List.of(
                    "I need an appointment with {doctor} on {date}.",
                    "Please book a visit to {doctor} on {date}.",
                    "Is there a free slot with {doctor} on {date}?"),
                List.of(
                    "Мне нужна запись к {doctor} на {date}.",
                    "Запишите меня, пожалуйста, к {doctor} на {date}.",
                    "Можно попасть к {doctor} {date}?")),
            text(
                List.of(
                    "My temperature has been {temp} since {since}. What should I do?",
                    "I have had a fever of {temp} since {since}.",
                    "Since {since} my temperature is {temp}. Should I worry?"),
                "A temperature of {temp} is a common sign of an infection. Rest, drink plenty of"
                    + " fluids and measure it twice a day. See a doctor if it lasts more than"
                    + " three days or rises above 39.5 °C.",
                List.of(
                    "У меня температура {temp} с {since}. Что делать?",
                    "С {since} держится температура {temp}.",
                    "Температура {temp} с {since}, стоит ли волноваться?"),
                "Температура {temp} — частый признак инфекции. Отдыхайте, пейте больше жидкости и"
                    + " измеряйте температуру дважды в день. Обратитесь к врачу, если она"
                    + " держится больше трёх дней или поднимается выше 39,5 °C."),
            text(
                List.of(
                    "How should I prepare for {test}?",
                    "What do I need to do before {test}?",
                    "Is there any preparation for {test}?"),
                "Before {test}, {test.1}. Bring your ID and the doctor's referral, and come 10"
                    + " minutes early.",
                List.of(
                    "Как подготовиться к {test}?",
                    "Какая нужна подготовка к {test}?",
                    "Нужно ли как-то готовиться к {test}?"),
                "Чтобы подготовиться к {test}, {test.1}. Возьмите паспорт и направление врача и"
                    + " приходите за 10 минут до записи."),
            tool(
                toolCall("get_lab_results"),
                List.of(
                    "Are my {labtest} results ready?",
                    "Show me the results of my {labtest}.",
                    "What did my {labtest} show?"),
                List.of(
                    "Готовы ли результаты моего {labtest}?",
                    "Покажите результаты моего {labtest}.",
                    "Пришли ли уже результаты {labtest}?")),
            text(
                List.of(
                    "What are your opening hours on {weekday}?",
                    "Is the clinic open on {weekday}?",
                    "Until what time do you work on {weekday}?"),
                "The clinic is open on {weekday} from {weekday.1}. Blood samples are taken until"
                    + " 11:00, and you can book a visit by phone or in the app.",
                List.of(
                    "Когда работает клиника {weekday}?",
                    "Клиника открыта {weekday}?",
                    "До скольких вы работаете {weekday}?"),
                "Клиника работает {weekday} {weekday.1}. Анализы крови принимают до 11:00, а"
                    + " записаться можно по телефону или в приложении."),
            text(
                List.of(
                    "My {relative} has chest pain and trouble breathing.",
                    "My {relative} suddenly cannot speak clearly and one side of the face droops.",
                    "My {relative} fainted and is not waking up."),
                "This may be an emergency. Call 112 or your local emergency number right now, stay"
                    + " with your {relative} and do not wait for a clinic appointment.",
                List.of(
                    "У {relative} боль в груди и трудно дышать.",
                    "У {relative} вдруг нарушилась речь и опустился уголок рта.",
                    "У {relative} был обморок, в сознание не приходит."),
                "Это может быть неотложное состояние. Немедленно позвоните 112 или 103, оставайтесь"
                    + " рядом и не ждите записи в клинику.")));
  }
}
