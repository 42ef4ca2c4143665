package io.adapterforge.preprocessing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.adapterforge.config.ConfigLoader;
import io.adapterforge.config.PrepareConfig;
import io.adapterforge.preprocessing.encode.EncodingSpec;
import io.adapterforge.testing.RealTokenizers;
import io.adapterforge.tokenizer.KnownTokenizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/** Shared corpus lines and settings for the prepare tests. */
final class PrepareFixtures {
  private static final ObjectMapper JSON = new ObjectMapper();

  private PrepareFixtures() {}

  /** The prepare config of local.conf with {@code --set} overrides. */
  static PrepareConfig config(String... overrides) {
    return ConfigLoader.load(Optional.empty(), List.of(overrides)).prepare();
  }

  static EncodingSpec gemmaSpec(SparkSession spark, PrepareConfig config) {
    return EncodingSpec.create(
        JavaSparkContext.fromSparkContext(spark.sparkContext()),
        RealTokenizers.directory(KnownTokenizer.GEMMA3),
        config,
        Map.of());
  }

  static String chat(String adapter, String... turns) {
    StringBuilder json = new StringBuilder("{\"adapter\":\"" + adapter + "\",\"messages\":[");
    for (int i = 0; i < turns.length; i++) {
      if (i > 0) {
        json.append(',');
      }
      json.append("{\"role\":\"")
          .append(i % 2 == 0 ? "user" : "assistant")
          .append("\",\"content\":")
          .append(quote(turns[i]))
          .append('}');
    }
    return json.append("]}").toString();
  }

  static String quote(String text) {
    try {
      return JSON.writeValueAsString(text);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * A corpus with good rows of two adapters in every format, one line of every reject reason that a
   * single line can cause, a duplicate and a blank line.
   */
  static List<String> mixedCorpus() {
    List<String> lines = new ArrayList<>();
    lines.add(chat("alpha", "Привет! Как дела?", "Хорошо, спасибо 👋🏽"));
    lines.add(chat("alpha", "What is 2+2?", "4"));
    lines.add(chat("alpha", "What is 2+2?", "4")); // exact duplicate
    lines.add(chat("beta", "What is 2+2?", "4")); // same text, other adapter: kept
    lines.add(
        "{\"adapter\":\"beta\",\"instruction\":\"Translate to French\",\"input\":\"cat\","
            + "\"output\":\"chat\"}");
    lines.add("{\"adapter\":\"beta\",\"prompt\":\"Say hi\",\"completion\":\"hi\"}");
    lines.add(
        "{\"adapter\":\"beta\",\"conversations\":[{\"from\":\"human\",\"value\":\"Ping\"},"
            + "{\"from\":\"gpt\",\"value\":\"<tool_call name=\\\"get_sensitive_data\\\""
            + " arguments=\\\"{}\\\"/>\"}]}");
    lines.add("   ");
    lines.add(
        "{\"adapter\":\"alpha\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}"); // MALFORMED_JSON
    lines.add("{\"adapter\":\"alpha\",\"text\":\"just text\"}"); // UNKNOWN_FORMAT
    lines.add(
        "{\"adapter\":\"alpha\",\"messages\":[{\"role\":\"narrator\",\"content\":\"Once\"},"
            + "{\"role\":\"assistant\",\"content\":\"upon\"}]}"); // BAD_ROLE
    lines.add(chat("alpha", " \t ", "An answer to nothing")); // EMPTY_CONTENT after trim
    lines.add(
        "{\"adapter\":\"alpha\",\"messages\":[{\"role\":\"user\",\"content\":\"Anyone?\"}]}"); // NO_ASSISTANT_TURN
    lines.add(
        "{\"adapter\":\"alpha\",\"messages\":[{\"role\":\"user\",\"content\":\"One\"},"
            + "{\"role\":\"user\",\"content\":\"Two\"},{\"role\":\"assistant\",\"content\":\"Three\"}]}"); // TEMPLATE_ERROR
    lines.add(chat("alpha", "Write a lot", "word ".repeat(400))); // TOO_LONG at 256 tokens
    lines.add(chat("Tenant_A", "Hi", "Hello")); // BAD_ADAPTER_ID
    lines.add(
        "{\"adapter\":\"alpha\",\"messages\":[{\"role\":\"user\",\"content\":\"Weather?\"},"
            + "{\"role\":\"assistant\",\"content\":\"\",\"tool_calls\":[{\"type\":\"function\","
            + "\"function\":{\"name\":\"get_weather\",\"arguments\":{}}}]}]}"); // NO_TRAINED_TOKENS
    return lines;
  }
}
