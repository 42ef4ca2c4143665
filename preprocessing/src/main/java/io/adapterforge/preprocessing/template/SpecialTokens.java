package io.adapterforge.preprocessing.template;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The special tokens transformers passes to a chat template ({@code tokenizer.special_tokens_map}):
 * each is the token's text, or null when the tokenizer has none. As in transformers, only the
 * tokens that are set (non-empty) become template variables; {@code bos_token} of Qwen3, for
 * example, is null and so undefined in its template.
 */
public record SpecialTokens(
    String bosToken,
    String eosToken,
    String unkToken,
    String sepToken,
    String padToken,
    String clsToken,
    String maskToken,
    List<String> additionalSpecialTokens)
    implements Serializable {

  /** No special tokens at all. */
  public static final SpecialTokens NONE =
      new SpecialTokens(null, null, null, null, null, null, null, List.of());

  public SpecialTokens {
    additionalSpecialTokens =
        additionalSpecialTokens == null ? List.of() : List.copyOf(additionalSpecialTokens);
  }

  /** The special tokens named in a parsed {@code tokenizer_config.json}. */
  public static SpecialTokens fromTokenizerConfig(JsonNode config) {
    List<String> additional = new ArrayList<>();
    JsonNode list = config.path("additional_special_tokens");
    if (list.isArray()) {
      for (JsonNode token : list) {
        String content = content(token);
        if (content != null) {
          additional.add(content);
        }
      }
    }
    return new SpecialTokens(
        content(config.get("bos_token")),
        content(config.get("eos_token")),
        content(config.get("unk_token")),
        content(config.get("sep_token")),
        content(config.get("pad_token")),
        content(config.get("cls_token")),
        content(config.get("mask_token")),
        additional);
  }

  /** The special tokens of the {@code tokenizer_config.json} in {@code tokenizerDirectory}. */
  public static SpecialTokens read(Path tokenizerDirectory) {
    Path file = tokenizerDirectory.resolve("tokenizer_config.json");
    try {
      return fromTokenizerConfig(new ObjectMapper().readTree(Files.readAllBytes(file)));
    } catch (IOException e) {
      throw TemplateException.load("Cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /** A token is a string, or an AddedToken object whose text is in {@code content}. */
  private static String content(JsonNode token) {
    if (token == null || token.isNull()) {
      return null;
    }
    if (token.isTextual()) {
      return token.textValue();
    }
    JsonNode content = token.get("content");
    return content != null && content.isTextual() ? content.textValue() : null;
  }

  /**
   * The template variables: {@code bos_token}, {@code eos_token}, … for the tokens that are set.
   */
  public Map<String, Object> asVariables() {
    Map<String, Object> variables = new LinkedHashMap<>();
    put(variables, "bos_token", bosToken);
    put(variables, "eos_token", eosToken);
    put(variables, "unk_token", unkToken);
    put(variables, "sep_token", sepToken);
    put(variables, "pad_token", padToken);
    put(variables, "cls_token", clsToken);
    put(variables, "mask_token", maskToken);
    if (!additionalSpecialTokens.isEmpty()) {
      variables.put("additional_special_tokens", additionalSpecialTokens);
    }
    return variables;
  }

  private static void put(Map<String, Object> variables, String name, String token) {
    if (token != null && !token.isEmpty()) {
      variables.put(name, token);
    }
  }
}
