package io.adapterforge.preprocessing.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.adapterforge.testing.RealTokenizers;
import io.adapterforge.tokenizer.KnownTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading a model folder's chat template and special tokens the way transformers does. */
class ChatTemplatesTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SHOW_TOKENS =
      "{{ bos_token }}|{{ eos_token }}|{{ unk_token is defined }}|{{ pad_token }}"
          + "|{{ additional_special_tokens }}";

  @TempDir Path folder;

  private void writeConfig(ObjectNode config) throws IOException {
    Files.write(folder.resolve("tokenizer_config.json"), JSON.writeValueAsBytes(config));
  }

  private static ObjectNode config() {
    return JsonNodeFactory.instance.objectNode();
  }

  private static JsonNode noMessages() {
    return JsonNodeFactory.instance.arrayNode();
  }

  @Test
  void readsTheTemplateStringAndTheSpecialTokens() throws IOException {
    ObjectNode config = config().put("chat_template", SHOW_TOKENS).put("bos_token", "<s>");
    config.putObject("eos_token").put("__type", "AddedToken").put("content", "</s>");
    config.putNull("unk_token");
    config.put("pad_token", "");
    config.putArray("additional_special_tokens").add("<a>").addObject().put("content", "<b>");
    writeConfig(config);

    TokenizerChatTemplate template = ChatTemplates.fromTokenizerFolder(folder);

    assertThat(template.specialTokens())
        .isEqualTo(
            new SpecialTokens("<s>", "</s>", null, null, "", null, null, List.of("<a>", "<b>")));
    assertThat(template.render(noMessages(), false)).isEqualTo("<s>|</s>|False||['<a>', '<b>']");
  }

  @Test
  void prefersChatTemplateJinjaBesideTheConfig() throws IOException {
    writeConfig(config().put("chat_template", "from config").put("bos_token", "<s>"));
    Files.writeString(folder.resolve("chat_template.jinja"), "from file {{ bos_token }}\n");

    assertThat(ChatTemplates.readTemplateSource(folder)).isEqualTo("from file {{ bos_token }}\n");
    assertThat(ChatTemplates.fromTokenizerFolder(folder).render(noMessages(), false))
        .isEqualTo("from file <s>");
  }

  @Test
  void picksTheDefaultOrANamedTemplateFromAList() throws IOException {
    ObjectNode config = config();
    config
        .putArray("chat_template")
        .add(config().put("name", "tool_use").put("template", "tools"))
        .add(config().put("name", "default").put("template", "default"));
    writeConfig(config);

    assertThat(ChatTemplates.readTemplateSource(folder)).isEqualTo("default");
    assertThat(
            ChatTemplates.fromTokenizerFolder(folder, "tool_use", TemplateLimits.DEFAULT)
                .template()
                .source())
        .isEqualTo("tools");
    TemplateException e =
        catchThrowableOfType(
            () -> ChatTemplates.readTemplateSource(folder, "rag"), TemplateException.class);
    assertThat(e.kind()).isEqualTo(TemplateException.Kind.LOAD);
    assertThat(e.detail()).contains("No chat template named 'rag'").contains("[tool_use, default]");
  }

  @Test
  void aFolderWithoutATemplateFailsWithAClearError() throws IOException {
    writeConfig(config().put("bos_token", "<s>"));
    TemplateException e =
        catchThrowableOfType(
            () -> ChatTemplates.fromTokenizerFolder(folder), TemplateException.class);
    assertThat(e.kind()).isEqualTo(TemplateException.Kind.LOAD);
    assertThat(e.getMessage())
        .startsWith("Cannot load chat template: No chat template in " + folder)
        .contains("tokenizer_config.json has no chat_template")
        .contains("ChatTemplates.llama2ChatSource()");
  }

  @Test
  void aFolderWithoutAConfigFailsWithTheFileName() {
    TemplateException e =
        catchThrowableOfType(
            () -> ChatTemplates.fromTokenizerFolder(folder), TemplateException.class);
    assertThat(e.kind()).isEqualTo(TemplateException.Kind.LOAD);
    assertThat(e.detail()).startsWith("Cannot read " + folder.resolve("tokenizer_config.json"));
  }

  @Test
  void realLlama2FolderHasNoTemplateButHasSpecialTokens() {
    Path llama2 = RealTokenizers.directory(KnownTokenizer.LLAMA2);
    assertThat(
            catchThrowableOfType(
                    () -> ChatTemplates.fromTokenizerFolder(llama2), TemplateException.class)
                .kind())
        .isEqualTo(TemplateException.Kind.LOAD);

    TokenizerChatTemplate template =
        ChatTemplates.withTemplate(
            llama2, ChatTemplates.llama2ChatSource(), TemplateLimits.DEFAULT);
    assertThat(template.specialTokens().bosToken()).isEqualTo("<s>");
    assertThat(template.specialTokens().eosToken()).isEqualTo("</s>");
    assertThat(template.template().source()).startsWith("{% if messages[0]['role'] == 'system' %}");
  }

  @Test
  void realQwen3HasNoBosTokenSoItIsUndefinedInItsTemplate() {
    TokenizerChatTemplate qwen3 =
        ChatTemplates.fromTokenizerFolder(RealTokenizers.directory(KnownTokenizer.QWEN3));
    assertThat(qwen3.specialTokens().bosToken()).isNull();
    assertThat(qwen3.specialTokens().asVariables()).doesNotContainKey("bos_token");
    assertThat(qwen3.specialTokens().asVariables())
        .containsEntry("eos_token", "<|im_end|>")
        .containsEntry("pad_token", "<|endoftext|>");
  }

  @Test
  void optionsSpecialTokensOverrideTheFolders() throws IOException {
    writeConfig(config().put("chat_template", "{{ bos_token }}").put("bos_token", "<s>"));
    TokenizerChatTemplate template = ChatTemplates.fromTokenizerFolder(folder);
    RenderOptions options =
        RenderOptions.builder()
            .specialTokens(new SpecialTokens("<B>", null, null, null, null, null, null, null))
            .build();
    assertThat(template.render(noMessages(), options)).isEqualTo("<B>");
    assertThat(template.render(noMessages(), RenderOptions.defaults())).isEqualTo("<s>");
    assertThat(SpecialTokens.NONE.asVariables()).isEqualTo(Map.of());
  }
}
