package io.adapterforge.preprocessing.template;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.Serializable;

/**
 * A model's chat template together with its tokenizer's special tokens, which transformers passes
 * to every render. Immutable, thread-safe and serializable.
 *
 * @param template the compiled template
 * @param specialTokens the tokens from {@code tokenizer_config.json}
 */
public record TokenizerChatTemplate(ChatTemplate template, SpecialTokens specialTokens)
    implements Serializable {

  public TokenizerChatTemplate {
    requireNonNull(template, "template is null");
    requireNonNull(specialTokens, "specialTokens is null");
  }

  /** Renders with this tokenizer's special tokens unless {@code options} sets its own. */
  public String render(JsonNode messages, RenderOptions options) {
    return template.render(messages, options.withDefaultSpecialTokens(specialTokens));
  }

  /** Renders with only the special tokens and {@code add_generation_prompt}. */
  public String render(JsonNode messages, boolean addGenerationPrompt) {
    return render(
        messages, RenderOptions.builder().addGenerationPrompt(addGenerationPrompt).build());
  }
}
