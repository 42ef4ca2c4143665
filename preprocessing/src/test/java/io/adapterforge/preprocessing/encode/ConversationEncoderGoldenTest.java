package io.adapterforge.preprocessing.encode;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.adapterforge.config.PrepareConfig.LengthPolicy;
import io.adapterforge.dataset.PreparedLayout;
import io.adapterforge.preprocessing.RejectReason;
import io.adapterforge.preprocessing.parse.ConversationParser;
import io.adapterforge.preprocessing.parse.ParsedLine;
import io.adapterforge.preprocessing.template.ChatTemplates;
import io.adapterforge.testing.RealTokenizers;
import io.adapterforge.tokenizer.KnownTokenizer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Compares our rendering, token ids and loss mask with golden files made by an independent
 * implementation (Python jinja2 for the text, transformers.js and Hugging Face's Rust tokenizers
 * for the ids; see preprocessing/src/test/js). Covers multi-turn, system prompts, Russian, emoji
 * with modifiers, CJK, tool-call replies and replies quoted in user messages.
 */
class ConversationEncoderGoldenTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String GOLDEN = "/io/adapterforge/preprocessing/golden/";
  private static final List<HuggingFaceTokenizer> OPENED = new ArrayList<>();
  private static final Map<KnownTokenizer, ConversationEncoder> ENCODERS =
      new EnumMap<>(KnownTokenizer.class);

  @AfterAll
  static void close() {
    OPENED.forEach(HuggingFaceTokenizer::close);
  }

  static Stream<Arguments> cases() throws IOException {
    JsonNode conversations = read("conversations.json");
    List<Arguments> arguments = new ArrayList<>();
    for (KnownTokenizer tokenizer :
        List.of(KnownTokenizer.GEMMA3, KnownTokenizer.QWEN3, KnownTokenizer.LLAMA3_1)) {
      JsonNode golden = read("tokens-" + tokenizer.id() + ".json");
      for (JsonNode conversation : conversations) {
        JsonNode expected = null;
        for (JsonNode c : golden.get("cases")) {
          if (c.get("name").asText().equals(conversation.get("name").asText())) {
            expected = c;
          }
        }
        arguments.add(
            Arguments.of(
                Named.of(tokenizer.id() + "/" + conversation.get("name").asText(), tokenizer),
                conversation,
                expected));
      }
    }
    return arguments.stream();
  }

  @ParameterizedTest
  @MethodSource("cases")
  void matchesIndependentRenderingTokensAndMask(
      KnownTokenizer tokenizer, JsonNode conversation, JsonNode expected) throws IOException {
    ConversationEncoder encoder = ENCODERS.get(tokenizer);
    if (encoder == null) {
      encoder = encoder(tokenizer);
      ENCODERS.put(tokenizer, encoder);
    }
    String json = normalized(conversation);

    EncodedRow row = encoder.encode(json, null);

    if (expected == null) {
      // The golden generator found that this template refuses the conversation.
      assertThat(row.reason()).isEqualTo(RejectReason.TEMPLATE_ERROR);
      assertThat(row.detail()).isNotBlank();
      return;
    }
    assertThat(encoder.render(json)).isEqualTo(expected.get("text_python").asText());
    assertThat(row.isReject()).as("%s: %s", row.reason(), row.detail()).isFalse();
    int[] ids = new int[expected.get("ids").size()];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = expected.get("ids").get(i).asInt();
    }
    assertThat(row.inputIds()).containsExactly(ids);

    Set<Integer> trained = new HashSet<>();
    for (JsonNode span : expected.get("assistant_spans")) {
      for (int t = span.get("token_start").asInt(); t < span.get("token_end").asInt(); t++) {
        trained.add(t);
      }
      trained.add(span.get("closing_token_index").asInt());
    }
    for (int t = 0; t < ids.length; t++) {
      int expectedLabel = trained.contains(t) ? ids[t] : PreparedLayout.IGNORE_INDEX;
      assertThat(row.labels()[t]).as("label of token %d", t).isEqualTo(expectedLabel);
    }
    assertThat(row.numLossTokens()).isEqualTo(trained.size());
  }

  private static String normalized(JsonNode conversation) {
    ObjectNode line = JSON.createObjectNode();
    line.put("adapter", "golden");
    line.set("messages", conversation.get("messages"));
    if (conversation.has("tools")) {
      line.set("tools", conversation.get("tools"));
    }
    ParsedLine parsed = new ConversationParser("adapter").parse(line.toString(), null);
    assertThat(parsed.isReject()).as(String.valueOf(parsed.detail())).isFalse();
    return ConversationParser.normalizedJson(parsed.messages(), parsed.tools());
  }

  static ConversationEncoder encoder(KnownTokenizer tokenizer) throws IOException {
    Path dir = RealTokenizers.directory(tokenizer);
    HuggingFaceTokenizer hf = TokenizerCache.load(dir);
    OPENED.add(hf);
    try (InputStream in = Files.newInputStream(dir.resolve("tokenizer.json"))) {
      return new ConversationEncoder(
          hf,
          ChatTemplates.fromTokenizerFolder(dir),
          SpecialTokenSet.read(in),
          1 << 20,
          LengthPolicy.REJECT);
    }
  }

  private static JsonNode read(String name) throws IOException {
    try (InputStream in = ConversationEncoderGoldenTest.class.getResourceAsStream(GOLDEN + name)) {
      return JSON.readTree(in);
    }
  }
}
