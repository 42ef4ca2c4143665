package io.adapterforge.preprocessing.template;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the chat template of a model folder the way transformers does, and holds the templates this
 * project ships.
 *
 * <p>A template is read from {@code chat_template.jinja} when that file exists, else from {@code
 * chat_template} in {@code tokenizer_config.json}: a string, or a list of {@code {"name",
 * "template"}} from which {@code default} is taken unless another name is asked for. Special tokens
 * always come from {@code tokenizer_config.json}. A folder without a template (Llama 2's) fails
 * with a {@link TemplateException} of kind {@link TemplateException.Kind#LOAD}; give such a model
 * its template with {@link #withTemplate}.
 */
public final class ChatTemplates {
  private static final String LLAMA2_CHAT = "llama2-chat.jinja";

  private ChatTemplates() {}

  /** The folder's default chat template, with {@link TemplateLimits#DEFAULT}. */
  public static TokenizerChatTemplate fromTokenizerFolder(Path directory) {
    return fromTokenizerFolder(directory, null, TemplateLimits.DEFAULT);
  }

  public static TokenizerChatTemplate fromTokenizerFolder(Path directory, TemplateLimits limits) {
    return fromTokenizerFolder(directory, null, limits);
  }

  /**
   * The folder's chat template called {@code name} (such as {@code tool_use}); {@code null} means
   * the default one.
   */
  public static TokenizerChatTemplate fromTokenizerFolder(
      Path directory, String name, TemplateLimits limits) {
    String source = readTemplateSource(directory, name);
    return new TokenizerChatTemplate(
        ChatTemplate.compile(source, limits), SpecialTokens.read(directory));
  }

  /** {@code source} as the template, with the special tokens of the folder's tokenizer. */
  public static TokenizerChatTemplate withTemplate(
      Path directory, String source, TemplateLimits limits) {
    return new TokenizerChatTemplate(
        ChatTemplate.compile(source, limits), SpecialTokens.read(directory));
  }

  /** The default template source of a model folder. */
  public static String readTemplateSource(Path directory) {
    return readTemplateSource(directory, null);
  }

  /** The template source called {@code name} ({@code null}: the default) of a model folder. */
  public static String readTemplateSource(Path directory, String name) {
    Path jinja = directory.resolve("chat_template.jinja");
    if (name == null && Files.isRegularFile(jinja)) {
      try {
        return Files.readString(jinja, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw TemplateException.load("Cannot read " + jinja + ": " + e.getMessage(), e);
      }
    }
    Path config = directory.resolve("tokenizer_config.json");
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(Files.readAllBytes(config));
    } catch (IOException e) {
      throw TemplateException.load("Cannot read " + config + ": " + e.getMessage(), e);
    }
    JsonNode template = root.get("chat_template");
    if (template == null || template.isNull()) {
      throw TemplateException.load(
          "No chat template in "
              + directory
              + ": tokenizer_config.json has no chat_template and there is no"
              + " chat_template.jinja; give this model a template from config (Llama 2 chat:"
              + " ChatTemplates.llama2ChatSource())",
          null);
    }
    if (template.isTextual()) {
      if (name != null && !name.equals("default")) {
        throw TemplateException.load(
            "No chat template named '" + name + "' in " + config + ": it has only a default one",
            null);
      }
      return template.textValue();
    }
    if (template.isArray()) {
      String wanted = name == null ? "default" : name;
      List<String> names = new ArrayList<>();
      for (JsonNode entry : template) {
        String entryName = entry.path("name").asText(null);
        names.add(entryName);
        if (wanted.equals(entryName) && entry.path("template").isTextual()) {
          return entry.get("template").textValue();
        }
      }
      throw TemplateException.load(
          "No chat template named '" + wanted + "' in " + config + ": it has " + names, null);
    }
    throw TemplateException.load(
        "Cannot use chat_template of "
            + config
            + ": must be a string or a list of {name,"
            + " template}, not "
            + template.getNodeType(),
        null);
  }

  /**
   * The Llama 2 chat template ({@code [INST] <<SYS>>…}) as published in
   * meta-llama/Llama-2-7b-chat-hf's tokenizer_config.json, for Llama 2 tokenizers that ship none.
   */
  public static String llama2ChatSource() {
    try (InputStream in = ChatTemplates.class.getResourceAsStream(LLAMA2_CHAT)) {
      if (in == null) {
        throw new IllegalStateException("Missing resource " + LLAMA2_CHAT);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@link #llama2ChatSource()} compiled with {@link TemplateLimits#DEFAULT}. */
  public static ChatTemplate llama2Chat() {
    return ChatTemplate.compile(llama2ChatSource());
  }
}
