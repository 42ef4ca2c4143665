package io.adapterforge.evaluate;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.adapterforge.trainer.train.TrainingExample;
import java.util.Arrays;
import java.util.Optional;

/**
 * The generation prompt of a prepared test row: its tokens up to where the last assistant reply
 * starts (the rendered history and the assistant header), and that reply's text as the reference.
 * Pure.
 *
 * @param promptIds the tokens before the last trained span
 * @param reference the content of the conversation's last assistant message
 */
public record ReplyPrompt(int[] promptIds, String reference) {
  private static final ObjectMapper JSON = new ObjectMapper();

  public ReplyPrompt {
    promptIds = requireNonNull(promptIds, "promptIds is null").clone();
    requireNonNull(reference, "reference is null");
  }

  /**
   * The prompt of {@code example}, whose normalized conversation is {@code conversation}; empty
   * when the row has no trained token after its first or no assistant message.
   */
  public static Optional<ReplyPrompt> of(TrainingExample example, String conversation) {
    requireNonNull(example, "example is null");
    requireNonNull(conversation, "conversation is null");
    int[] labels = example.labels();
    int end = labels.length - 1;
    while (end >= 1 && labels[end] == TrainingExample.IGNORE_INDEX) {
      end--;
    }
    if (end < 1) {
      return Optional.empty();
    }
    int start = end;
    while (start >= 1 && labels[start - 1] != TrainingExample.IGNORE_INDEX) {
      start--;
    }
    if (start == 0) {
      return Optional.empty();
    }
    int[] prompt = Arrays.copyOf(example.inputIds(), start);
    return lastAssistantContent(conversation).map(reference -> new ReplyPrompt(prompt, reference));
  }

  /** The content of the last assistant message of a normalized conversation JSON. */
  static Optional<String> lastAssistantContent(String conversation) {
    JsonNode messages;
    try {
      messages = JSON.readTree(conversation).path("messages");
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "Cannot read a prepared conversation: " + e.getOriginalMessage(), e);
    }
    for (int i = messages.size() - 1; i >= 0; i--) {
      JsonNode message = messages.get(i);
      if ("assistant".equals(message.path("role").asText())) {
        return Optional.of(message.path("content").asText());
      }
    }
    return Optional.empty();
  }
}
