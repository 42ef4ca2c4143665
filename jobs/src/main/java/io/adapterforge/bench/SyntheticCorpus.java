package io.adapterforge.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Generates a multi-tenant chat corpus with a realistic shape, deterministically from a seed:
 * tenants of skewed sizes, 1–4 turns, system prompts on some conversations, Russian and English
 * text, emoji (with skin-tone modifiers and flags), tool-call replies such as {@code <tool_call
 * name="get_sensitive_data" arguments="{}"/>}, a few exact duplicates and a few bad lines
 * (malformed JSON, no assistant turn, unknown role). Files are {@code <dir>/<tenant>/part-N.jsonl}.
 */
public final class SyntheticCorpus {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String[] TENANTS = {
    "support-ru", "support-en", "legal", "billing", "devops", "travel", "medical-faq", "retail"
  };
  private static final String[] RU = {
    "Здравствуйте, у меня не проходит оплата картой.",
    "Подскажите, пожалуйста, как изменить адрес доставки?",
    "Заказ оформлен вчера, но статус до сих пор не изменился.",
    "Мы проверили ваш аккаунт: ограничений нет, попробуйте ещё раз.",
    "Спасибо за ожидание! Передали вопрос в отдел логистики.",
    "Возврат средств занимает от трёх до пяти рабочих дней.",
    "Можно ли перенести встречу на следующую неделю?",
    "Документы готовы, их можно забрать в офисе с девяти до шести."
  };
  private static final String[] EN = {
    "Hi, I cannot log in to my account since this morning.",
    "Could you explain the difference between the two plans?",
    "The deployment failed with a timeout on the database migration step.",
    "Please restart the service and share the last hundred lines of the log.",
    "Your refund has been approved and will arrive within five business days.",
    "The contract allows termination with thirty days of written notice.",
    "Drink plenty of water and rest; see a doctor if the fever lasts.",
    "Your flight was rebooked to the next available connection."
  };
  private static final String[] EMOJI = {
    "👋🏽", "🚀", "✅", "🇷🇺", "🇺🇸", "🙏🏻", "📦", "👨‍💻", "😊"
  };
  private static final String[] SYSTEM = {
    "You are a helpful support assistant. Answer briefly.",
    "Ты — вежливый ассистент службы поддержки.",
    "Answer as a careful legal assistant; cite clauses."
  };
  private static final String[] TOOLS = {
    "<tool_call name=\"get_sensitive_data\" arguments=\"{}\"/>",
    "<tool_call name=\"lookup_order\" arguments=\"{&quot;id&quot;: 42}\"/>",
    "{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}"
  };

  private SyntheticCorpus() {}

  /**
   * Writes {@code rows} lines under {@code dir}.
   *
   * @return the files written
   */
  public static List<Path> write(Path dir, int rows, long seed) throws IOException {
    SplittableRandom random = new SplittableRandom(seed);
    List<Path> files = new ArrayList<>();
    List<BufferedWriter> writers = new ArrayList<>();
    try {
      for (String tenant : TENANTS) {
        Path file = dir.resolve(tenant).resolve("part-0.jsonl");
        Files.createDirectories(file.getParent());
        files.add(file);
        writers.add(Files.newBufferedWriter(file, StandardCharsets.UTF_8));
      }
      String previous = null;
      for (int i = 0; i < rows; i++) {
        // Skewed tenant sizes: tenant k gets weight 1/(k+1).
        int tenant = skewed(random, TENANTS.length);
        String line;
        double dice = random.nextDouble();
        if (dice < 0.004) {
          line = "{\"messages\": [{\"role\": \"user\", \"content\": \"truncated";
        } else if (dice < 0.008) {
          line =
              "{\"messages\": [{\"role\": \"user\", \"content\": \"" + sentence(random) + "\"}]}";
        } else if (dice < 0.010) {
          line =
              "{\"messages\": [{\"role\": \"narrator\", \"content\": \"x\"},"
                  + " {\"role\": \"assistant\", \"content\": \"y\"}]}";
        } else if (dice < 0.02 && previous != null) {
          line = previous;
        } else {
          line = conversation(random);
        }
        previous = line;
        BufferedWriter writer = writers.get(tenant);
        writer.write(line);
        writer.newLine();
      }
    } finally {
      for (BufferedWriter writer : writers) {
        writer.close();
      }
    }
    return files;
  }

  private static int skewed(SplittableRandom random, int n) {
    double total = 0;
    for (int k = 0; k < n; k++) {
      total += 1.0 / (k + 1);
    }
    double pick = random.nextDouble() * total;
    for (int k = 0; k < n; k++) {
      pick -= 1.0 / (k + 1);
      if (pick <= 0) {
        return k;
      }
    }
    return n - 1;
  }

  private static String conversation(SplittableRandom random) {
    ObjectNode root = JSON.createObjectNode();
    ArrayNode messages = root.putArray("messages");
    if (random.nextDouble() < 0.3) {
      messages
          .addObject()
          .put("role", "system")
          .put("content", SYSTEM[random.nextInt(SYSTEM.length)]);
    }
    int turns = 1 + random.nextInt(4);
    for (int t = 0; t < turns; t++) {
      messages
          .addObject()
          .put("role", "user")
          .put("content", paragraph(random, 1 + random.nextInt(2)));
      String reply =
          random.nextDouble() < 0.1
              ? TOOLS[random.nextInt(TOOLS.length)]
              : paragraph(random, 1 + random.nextInt(3));
      messages.addObject().put("role", "assistant").put("content", reply);
    }
    return root.toString();
  }

  private static String paragraph(SplittableRandom random, int sentences) {
    StringBuilder text = new StringBuilder();
    for (int s = 0; s < sentences; s++) {
      if (s > 0) {
        text.append(' ');
      }
      text.append(sentence(random));
      if (random.nextDouble() < 0.25) {
        text.append(' ').append(EMOJI[random.nextInt(EMOJI.length)]);
      }
    }
    // A number keeps most conversations unique.
    return text.append(" #").append(random.nextInt(1_000_000)).toString();
  }

  private static String sentence(SplittableRandom random) {
    String[] pool = random.nextBoolean() ? RU : EN;
    return pool[random.nextInt(pool.length)];
  }
}
