package io.adapterforge.preprocessing.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The public API of {@link ChatTemplate}: compile, render, errors, serialization, threads. */
class ChatTemplateTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static final String ROLES =
      "{% for m in messages %}{{ m.role }}:{{ m['content'] }}{% if not loop.last %}|{% endif %}"
          + "{% endfor %}{% if add_generation_prompt %}>{% endif %}";

  private static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      throw new IllegalArgumentException(e);
    }
  }

  @Test
  void rendersJsonMessagesAndJavaMessagesAlike() {
    ChatTemplate template = ChatTemplate.compile(ROLES);
    RenderOptions options = RenderOptions.builder().addGenerationPrompt(true).build();
    String fromJson =
        template.render(
            json(
                "[{\"role\":\"user\",\"content\":\"hi\"},{\"role\":\"assistant\",\"content\":\"yo\"}]"),
            options);
    String fromJava =
        template.render(
            List.of(
                Map.of("role", "user", "content", "hi"),
                Map.of("role", "assistant", "content", "yo")),
            options);
    assertThat(fromJson).isEqualTo(fromJava).isEqualTo("user:hi|assistant:yo>");
  }

  @Test
  void passesToolsAndDocumentsAsNoneWhenAbsentLikeTransformers() {
    ChatTemplate template =
        ChatTemplate.compile(
            "{{ tools is defined }} {{ tools is none }} {{ documents is none }} "
                + "{{ add_generation_prompt }}");
    assertThat(template.render(json("[]"), RenderOptions.defaults()))
        .isEqualTo("True True True False");
    String withTools =
        ChatTemplate.compile("{{ tools | map(attribute='function.name') | join(',') }}")
            .render(
                json("[]"),
                RenderOptions.builder()
                    .tools(
                        List.of(
                            Map.of("function", Map.of("name", "a")),
                            Map.of("function", Map.of("name", "b"))))
                    .build());
    assertThat(withTools).isEqualTo("a,b");
  }

  @Test
  void extraVariablesOverrideSpecialTokensAndCannotReplaceTheStandardOnes() {
    RenderOptions options =
        RenderOptions.builder()
            .specialTokens(new SpecialTokens("<s>", "</s>", null, null, null, null, null, null))
            .variable("bos_token", "<override>")
            .variable("enable_thinking", false)
            .build();
    assertThat(
            ChatTemplate.compile("{{ bos_token }}{{ eos_token }}{{ enable_thinking is false }}")
                .render(json("[]"), options))
        .isEqualTo("<override></s>True");
    assertThatThrownBy(() -> RenderOptions.builder().variable("messages", List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Cannot set the template variable messages as an extra variable: use its option");
  }

  @Test
  void strftimeNowReadsTheOptionsClock() {
    Clock clock = Clock.fixed(Instant.parse("2025-01-02T03:04:05Z"), ZoneOffset.UTC);
    assertThat(
            ChatTemplate.compile("{{ strftime_now('%d %b %Y %H:%M') }}")
                .render(json("[]"), RenderOptions.builder().clock(clock).build()))
        .isEqualTo("02 Jan 2025 03:04");
  }

  @Test
  void raiseExceptionIsARaisedTemplateExceptionWithTheTemplatesMessage() {
    TemplateException e =
        catchThrowableOfType(
            () ->
                ChatTemplate.compile("line one\n{{ raise_exception('No ' ~ 'system role!') }}")
                    .render(Map.of()),
            TemplateException.class);
    assertThat(e.kind()).isEqualTo(TemplateException.Kind.RAISED);
    assertThat(e.errorType()).isEqualTo("TemplateError");
    assertThat(e.detail()).isEqualTo("No system role!");
    assertThat(e.line()).isEqualTo(2);
    assertThat(e.getMessage())
        .isEqualTo("Chat template raised an error at line 2: No system role!");
  }

  @Test
  void syntaxErrorsNameTheLine() {
    TemplateException e =
        catchThrowableOfType(
            () -> ChatTemplate.compile("ok\nstill ok\n{% for x in %}"), TemplateException.class);
    assertThat(e.kind()).isEqualTo(TemplateException.Kind.SYNTAX);
    assertThat(e.line()).isEqualTo(3);
    assertThat(e.getMessage())
        .isEqualTo(
            "Chat template syntax error at line 3: Expected an expression, got 'end of statement block'");
  }

  @Test
  void renderErrorsNameTheTypeAndLine() {
    TemplateException e =
        catchThrowableOfType(
            () ->
                ChatTemplate.compile("\n\n{{ messages[0].content.strip() }}")
                    .render(Map.of("messages", List.of(Map.of()))),
            TemplateException.class);
    assertThat(e.kind()).isEqualTo(TemplateException.Kind.RENDER);
    assertThat(e.getMessage())
        .isEqualTo(
            "Chat template failed at line 3: UndefinedError: 'dict object' has no attribute 'content'");
  }

  @Test
  void survivesJavaSerializationByRecompiling() throws Exception {
    ChatTemplate template =
        ChatTemplate.compile(ROLES, TemplateLimits.DEFAULT.withMaxLoopIterations(7));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(template);
    }
    ChatTemplate copy;
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      copy = (ChatTemplate) in.readObject();
    }
    assertThat(copy.source()).isEqualTo(template.source());
    assertThat(copy.limits()).isEqualTo(template.limits());
    JsonNode messages = json("[{\"role\":\"user\",\"content\":\"x\"}]");
    assertThat(copy.render(messages, RenderOptions.defaults()))
        .isEqualTo(template.render(messages, RenderOptions.defaults()));
  }

  @Test
  void oneTemplateRendersConcurrentlyWithoutInterference() throws Exception {
    ChatTemplate template =
        ChatTemplate.compile(
            "{% set ns = namespace(n=0) %}{% for m in messages %}{% set ns.n = ns.n + 1 %}"
                + "{{ m.content }}{% endfor %}={{ ns.n }}");
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<String>> results = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        int n = i % 17;
        results.add(
            pool.submit(
                () -> {
                  List<Map<String, Object>> messages = new ArrayList<>();
                  for (int k = 0; k < n; k++) {
                    messages.add(Map.of("content", Integer.toString(k)));
                  }
                  return template.render(Map.of("messages", messages));
                }));
      }
      for (int i = 0; i < results.size(); i++) {
        int n = i % 17;
        StringBuilder expected = new StringBuilder();
        for (int k = 0; k < n; k++) {
          expected.append(k);
        }
        assertThat(results.get(i).get()).isEqualTo(expected + "=" + n);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void jsonNumbersKeepPythonTypes() {
    ChatTemplate template =
        ChatTemplate.compile(
            "{% for v in values %}{{ v }}:{{ v is integer }}:{{ v is float }} {% endfor %}");
    assertThat(
            template.render(
                Map.of("values", json("[1, 1.0, 12345678901234567890123, 1e400, -0.0]"))))
        .isEqualTo(
            "1:True:False 1.0:False:True 12345678901234567890123:True:False inf:False:True"
                + " -0.0:False:True ");
  }
}
