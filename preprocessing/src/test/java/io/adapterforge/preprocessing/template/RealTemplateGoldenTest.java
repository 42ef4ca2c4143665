package io.adapterforge.preprocessing.template;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.adapterforge.testing.RealTokenizers;
import io.adapterforge.tokenizer.KnownTokenizer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The real chat templates of Gemma 3, Qwen3 and Llama 3.1 (from the pinned tokenizers), the Llama 2
 * chat template shipped in main resources and Meta's tool-calling Llama 3.1 template, over edge
 * case conversations: output byte-identical to Python jinja2 in transformers' environment
 * (goldens/real-templates.json), refusals with jinja2's exact message.
 */
class RealTemplateGoldenTest {
  private static final JsonNode GOLDENS = Goldens.read("real-templates.json");
  private static final Map<String, TokenizerChatTemplate> TEMPLATES = new ConcurrentHashMap<>();

  private static Stream<JsonNode> goldens() {
    return StreamSupport.stream(GOLDENS.get("cases").spliterator(), false);
  }

  static Stream<Arguments> cases() {
    return goldens()
        .filter(c -> !c.get("name").asText().startsWith("random/"))
        .map(c -> Arguments.of(c.get("name").asText(), c));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void rendersLikeTransformers(String name, JsonNode golden) {
    check(golden);
  }

  @Test
  void randomTrickyConversationsRenderLikeTransformers() {
    List<String> failures = new ArrayList<>();
    goldens()
        .filter(c -> c.get("name").asText().startsWith("random/"))
        .forEach(
            golden -> {
              try {
                check(golden);
              } catch (AssertionError e) {
                failures.add(golden.get("name").asText() + ": " + e);
              }
            });
    assertThat(goldens().filter(c -> c.get("name").asText().startsWith("random/")))
        .hasSizeGreaterThan(100);
    assertThat(failures).isEmpty();
  }

  private static void check(JsonNode golden) {
    TokenizerChatTemplate template = template(golden.get("template").asText());
    RenderOptions.Builder options =
        RenderOptions.builder()
            .addGenerationPrompt(golden.get("add_generation_prompt").asBoolean())
            .clock(Goldens.clock(GOLDENS));
    if (golden.has("tools")) {
      options.tools(golden.get("tools"));
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = golden.path("variables").fields();
        it.hasNext(); ) {
      Map.Entry<String, JsonNode> variable = it.next();
      options.variable(variable.getKey(), variable.getValue());
    }
    RenderOptions built = options.build();
    Goldens.assertOutcome(golden, () -> template.render(golden.get("messages"), built));
  }

  @Test
  void templatesAreTheOnesTheGoldensWereRenderedFrom() {
    for (Iterator<Map.Entry<String, JsonNode>> it = GOLDENS.get("templates").fields();
        it.hasNext(); ) {
      Map.Entry<String, JsonNode> expected = it.next();
      String source = template(expected.getKey()).template().source();
      assertThat(sha256(source))
          .as("template %s changed: regenerate the goldens", expected.getKey())
          .isEqualTo(expected.getValue().asText());
    }
  }

  @Test
  void gemma3RefusesNonAlternatingRolesWithJinja2Message() {
    JsonNode golden = caseNamed("gemma3/non_alternating_roles");
    TemplateException e =
        org.assertj.core.api.Assertions.catchThrowableOfType(
            () -> template("gemma3").render(golden.get("messages"), false),
            TemplateException.class);
    assertThat(e.kind()).isEqualTo(TemplateException.Kind.RAISED);
    assertThat(e.detail())
        .isEqualTo(golden.get("error").get("message").asText())
        .isEqualTo("Conversation roles must alternate user/assistant/user/assistant/...");
    assertThat(e.line()).isEqualTo(golden.get("error").get("line").asInt());
    String source = template("gemma3").template().source();
    String lineWithRaise = source.split("\n", -1)[e.line() - 1];
    assertThat(lineWithRaise).contains("raise_exception(\"Conversation roles must alternate");
    assertThat(e.getMessage())
        .isEqualTo("Chat template raised an error at line " + e.line() + ": " + e.detail());
  }

  private static JsonNode caseNamed(String name) {
    for (JsonNode c : GOLDENS.get("cases")) {
      if (c.get("name").asText().equals(name)) {
        return c;
      }
    }
    throw new IllegalArgumentException("No golden case " + name);
  }

  static TokenizerChatTemplate template(String id) {
    return TEMPLATES.computeIfAbsent(id, RealTemplateGoldenTest::load);
  }

  private static TokenizerChatTemplate load(String id) {
    switch (id) {
      case "gemma3":
        return ChatTemplates.fromTokenizerFolder(RealTokenizers.directory(KnownTokenizer.GEMMA3));
      case "qwen3":
        return ChatTemplates.fromTokenizerFolder(RealTokenizers.directory(KnownTokenizer.QWEN3));
      case "llama3_1":
        return ChatTemplates.fromTokenizerFolder(RealTokenizers.directory(KnownTokenizer.LLAMA3_1));
      case "llama2":
        return ChatTemplates.withTemplate(
            RealTokenizers.directory(KnownTokenizer.LLAMA2),
            ChatTemplates.llama2ChatSource(),
            TemplateLimits.DEFAULT);
      case "llama3_1_tools":
        return ChatTemplates.withTemplate(
            RealTokenizers.directory(KnownTokenizer.LLAMA3_1),
            resource("llama3_1-instruct-tools.jinja"),
            TemplateLimits.DEFAULT);
      default:
        throw new IllegalArgumentException("Unknown template " + id);
    }
  }

  static String resource(String name) {
    try (InputStream in = RealTemplateGoldenTest.class.getResourceAsStream(name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
