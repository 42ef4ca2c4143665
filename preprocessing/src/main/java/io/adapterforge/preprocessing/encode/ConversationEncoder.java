package io.adapterforge.preprocessing.encode;

import static java.util.Objects.requireNonNull;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.adapterforge.config.PrepareConfig.LengthPolicy;
import io.adapterforge.dataset.PreparedLayout;
import io.adapterforge.preprocessing.RejectReason;
import io.adapterforge.preprocessing.clean.PythonWhitespace;
import io.adapterforge.preprocessing.template.RenderOptions;
import io.adapterforge.preprocessing.template.TemplateException;
import io.adapterforge.preprocessing.template.TokenizerChatTemplate;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Encodes one normalized conversation: renders it with the chat template, tokenizes the text, finds
 * each assistant message in it, masks and applies the length policy.
 *
 * <p>Finding assistant messages: every message's content is looked up in order in the rendered
 * text, each search starting where the previous message ended. When all earlier messages were found
 * and the reply occurs exactly once after that point, that is the reply. Otherwise (a message the
 * template rewrote, a reply quoted elsewhere, a tool call) the template is also rendered on the
 * messages before it with the generation prompt, and the reply is searched after that prefix, so a
 * quote in a user message is never mistaken for the reply. Contents are searched as written, then
 * as templates commonly rewrite them (see {@link #locate}). An assistant message with tool calls is
 * trained from the end of its prefix to the end of what the template wrote for it (nothing, when
 * the template ignores tool calls). A message with content that the template does not write
 * verbatim is a {@code TEMPLATE_ERROR}.
 *
 * <p>Not thread-safe; cheap to build, one per partition. The tokenizer and template it holds are
 * shared across threads.
 */
public final class ConversationEncoder {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String THINK_END = "</think>";

  private final HuggingFaceTokenizer tokenizer;
  private final TokenizerChatTemplate template;
  private final Set<Long> specialIds;
  private final Set<String> specialTokens;
  private final int maxSeqLength;
  private final LengthPolicy lengthPolicy;

  public ConversationEncoder(
      HuggingFaceTokenizer tokenizer,
      TokenizerChatTemplate template,
      SpecialTokenSet special,
      int maxSeqLength,
      LengthPolicy lengthPolicy) {
    this.tokenizer = requireNonNull(tokenizer, "tokenizer is null");
    this.template = requireNonNull(template, "template is null");
    this.specialIds = special.ids();
    this.specialTokens = special.contents();
    this.maxSeqLength = maxSeqLength;
    this.lengthPolicy = requireNonNull(lengthPolicy, "lengthPolicy is null");
  }

  /**
   * Encodes a conversation ({@code {"messages": […], "tools"?: […]}}).
   *
   * @param systemPrompt added as a first system message when the conversation has none; null for
   *     none
   */
  public EncodedRow encode(String conversationJson, String systemPrompt) {
    try {
      return encode((ObjectNode) JSON.readTree(conversationJson), systemPrompt);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("Not a normalized conversation: " + e.getMessage(), e);
    }
  }

  /** Encodes a conversation given as UTF-8 JSON; see {@link #encode(String, String)}. */
  public EncodedRow encode(byte[] conversationJson, String systemPrompt) {
    try {
      return encode((ObjectNode) JSON.readTree(conversationJson), systemPrompt);
    } catch (IOException e) {
      throw new IllegalArgumentException("Not a normalized conversation: " + e.getMessage(), e);
    }
  }

  /**
   * Renders a conversation given as UTF-8 JSON and finds its assistant messages in the text: the
   * first of the three steps of {@link #encode(byte[], String)}, for callers that run each step on
   * a batch of conversations ({@link #tokenize}, {@link #mask}).
   */
  public Rendered render(byte[] conversationJson, String systemPrompt) {
    try {
      return render((ObjectNode) JSON.readTree(conversationJson), systemPrompt);
    } catch (IOException e) {
      throw new IllegalArgumentException("Not a normalized conversation: " + e.getMessage(), e);
    }
  }

  /**
   * Tokenizes a rendered conversation (nothing for a reject): the second of the three steps of
   * {@link #encode(byte[], String)}, {@link #render}, this and {@link #mask}.
   */
  public void tokenize(Rendered rendered) {
    if (rendered.reject == null && rendered.tokenized == null) {
      rendered.tokenized = TokenizedText.of(tokenizer, rendered.text);
    }
  }

  /** Masks a tokenized conversation and applies the length policy; or returns its reject. */
  public EncodedRow mask(Rendered rendered) {
    if (rendered.reject != null) {
      return rendered.reject;
    }
    tokenize(rendered);
    return mask(rendered.text, rendered.ranges, rendered.tokenized);
  }

  /** A rendered conversation with the UTF-16 ranges to train, or why it cannot be encoded. */
  public static final class Rendered {
    private final String text;
    private final List<int[]> ranges;
    private final EncodedRow reject;
    private TokenizedText tokenized;

    private Rendered(String text, List<int[]> ranges, EncodedRow reject) {
      this.text = text;
      this.ranges = ranges;
      this.reject = reject;
    }
  }

  private EncodedRow encode(ObjectNode conversation, String systemPrompt) {
    return mask(render(conversation, systemPrompt));
  }

  private Rendered render(ObjectNode conversation, String systemPrompt) {
    ArrayNode messages = (ArrayNode) conversation.get("messages");
    if (systemPrompt != null
        && !systemPrompt.isEmpty()
        && (messages.isEmpty() || !"system".equals(messages.get(0).path("role").asText()))) {
      ArrayNode withSystem = JSON.createArrayNode();
      withSystem.addObject().put("role", "system").put("content", systemPrompt);
      withSystem.addAll(messages);
      messages = withSystem;
    }
    JsonNode tools = conversation.get("tools");
    try {
      String text = template.render(messages, options(tools, false));
      return new Rendered(text, assistantRanges(messages, tools, text), null);
    } catch (TemplateException e) {
      return new Rendered(
          null, null, EncodedRow.reject(RejectReason.TEMPLATE_ERROR, e.getMessage()));
    } catch (UnlocatedMessage e) {
      return new Rendered(
          null, null, EncodedRow.reject(RejectReason.TEMPLATE_ERROR, e.getMessage()));
    }
  }

  /** Renders only (no tokenization), as the encoder would: for benchmarks and checks. */
  public String render(String conversationJson) {
    try {
      ObjectNode conversation = (ObjectNode) JSON.readTree(conversationJson);
      return template.render(
          conversation.get("messages"), options(conversation.get("tools"), false));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e);
    }
  }

  private EncodedRow mask(String text, List<int[]> utf16Ranges, TokenizedText tokenized) {
    long[] ids = tokenized.ids();
    CharSpan[] spans = tokenized.spans();
    int[] starts = new int[ids.length];
    int[] ends = new int[ids.length];
    for (int i = 0; i < ids.length; i++) {
      // Special tokens added by a post-processor have no span; keep them zero-width in place.
      int previousEnd = i == 0 ? 0 : ends[i - 1];
      starts[i] = spans[i] == null ? previousEnd : spans[i].getStart();
      ends[i] = spans[i] == null ? previousEnd : spans[i].getEnd();
    }
    // Code points and, for each UTF-16 index, the code point it starts (one pass, no streams).
    int[] codePoints = new int[text.length()];
    int[] codePointAt = new int[text.length() + 1];
    int count = 0;
    for (int i = 0; i < text.length(); ) {
      int codePoint = text.codePointAt(i);
      int width = Character.charCount(codePoint);
      codePointAt[i] = count;
      if (width == 2) {
        codePointAt[i + 1] = count + 1; // inside a pair: a range never starts or ends here
      }
      codePoints[count++] = codePoint;
      i += width;
    }
    codePointAt[text.length()] = count;
    codePoints = Arrays.copyOf(codePoints, count);
    List<int[]> ranges = new ArrayList<>(utf16Ranges.size());
    for (int[] range : utf16Ranges) {
      ranges.add(new int[] {codePointAt[range[0]], codePointAt[range[1]]});
    }
    int[] labels = LossMasker.labels(ids, starts, ends, codePoints, specialIds, ranges);
    int[] inputIds = new int[ids.length];
    for (int i = 0; i < ids.length; i++) {
      inputIds[i] = (int) ids[i];
    }
    if (inputIds.length > maxSeqLength) {
      if (lengthPolicy == LengthPolicy.REJECT) {
        return EncodedRow.reject(
            RejectReason.TOO_LONG,
            inputIds.length + " tokens; prepare.max-seq-length is " + maxSeqLength);
      }
      inputIds = Arrays.copyOf(inputIds, maxSeqLength);
      labels = Arrays.copyOf(labels, maxSeqLength);
      if (countTrained(labels) == 0) {
        return EncodedRow.reject(
            RejectReason.TOO_LONG,
            "no trained token within the first "
                + maxSeqLength
                + " tokens (prepare.max-seq-length, truncate)");
      }
    }
    int trained = countTrained(labels);
    if (trained == 0) {
      return EncodedRow.reject(
          RejectReason.NO_TRAINED_TOKENS,
          "no assistant token in " + inputIds.length + " tokens of the rendered text");
    }
    return new EncodedRow(inputIds, labels, trained, null, null);
  }

  private static int countTrained(int[] labels) {
    int count = 0;
    for (int label : labels) {
      if (label != PreparedLayout.IGNORE_INDEX) {
        count++;
      }
    }
    return count;
  }

  /** UTF-16 [start, end) ranges of the text to train, one per assistant message, in order. */
  private List<int[]> assistantRanges(ArrayNode messages, JsonNode tools, String text) {
    List<int[]> ranges = new ArrayList<>();
    int cursor = 0;
    // True while every message so far was found where expected, so the text between the cursor
    // and the next message holds nothing but template markup.
    boolean cursorReliable = true;
    for (int i = 0; i < messages.size(); i++) {
      JsonNode message = messages.get(i);
      String content = message.path("content").asText("");
      if (!"assistant".equals(message.path("role").asText())) {
        int[] found = locate(text, content, cursor);
        if (found != null && isOnlyOccurrence(text, found, cursor)) {
          cursor = found[1];
        } else if (!content.isEmpty()) {
          cursorReliable = false;
        }
        continue;
      }
      boolean callsTools =
          message.path("tool_calls").isArray() && !message.path("tool_calls").isEmpty();
      int[] range = null;
      if (cursorReliable && !callsTools) {
        int[] found = locate(text, content, cursor);
        if (found != null && isOnlyOccurrence(text, found, cursor)) {
          range = found;
        }
      }
      if (range == null) {
        // Slow path: render the conversation before this message with the generation prompt;
        // the reply comes after that prefix, never inside a user message that quotes it.
        ArrayNode before = JSON.createArrayNode();
        for (int j = 0; j < i; j++) {
          before.add(messages.get(j));
        }
        int from = cursor;
        String prefix = i == 0 ? "" : template.render(before, options(tools, true));
        if (text.startsWith(prefix)) {
          from = Math.max(from, prefix.length());
        }
        range = locate(text, content, from);
        if (callsTools) {
          range = toolCallRange(messages, tools, text, i, from, range);
          if (range == null) {
            // The template writes nothing for this call (e.g. Gemma 3 ignores tool_calls).
            continue;
          }
        }
      }
      if (range == null) {
        throw new UnlocatedMessage(
            "the chat template does not write assistant message "
                + i
                + " verbatim, so its tokens cannot be found to train on");
      }
      if (range[1] > range[0]) {
        ranges.add(range);
      }
      cursor = range[1];
      cursorReliable = true;
    }
    return ranges;
  }

  /** True when the text found at {@code found} occurs nowhere else after {@code from}. */
  private static boolean isOnlyOccurrence(String text, int[] found, int from) {
    String match = text.substring(found[0], found[1]);
    return text.indexOf(match, from) == found[0] && text.indexOf(match, found[0] + 1) < 0;
  }

  /**
   * Where the content of a message is written, searched from {@code from}; null if nowhere. Tried
   * in turn: the content as it is; stripped as Python strips (templates' {@code | trim}); and for
   * reasoning models, the answer after the last {@code </think>} (templates drop earlier turns'
   * reasoning from the history).
   */
  private static int[] locate(String text, String content, int from) {
    if (content.isEmpty()) {
      return null;
    }
    List<String> candidates = new ArrayList<>();
    candidates.add(content);
    candidates.add(PythonWhitespace.strip(content));
    int think = content.lastIndexOf(THINK_END);
    if (think >= 0) {
      String answer = content.substring(think + THINK_END.length());
      candidates.add(answer.replaceFirst("^\\n+", ""));
      candidates.add(PythonWhitespace.strip(answer));
    }
    for (String candidate : candidates) {
      if (!candidate.isEmpty()) {
        int at = text.indexOf(candidate, from);
        if (at >= 0) {
          return new int[] {at, at + candidate.length()};
        }
      }
    }
    return null;
  }

  /**
   * For a message with tool calls: from the prefix end to where the template stops writing this
   * message, found by rendering the conversation up to and including it and comparing.
   */
  private int[] toolCallRange(
      ArrayNode messages, JsonNode tools, String text, int index, int from, int[] contentRange) {
    ArrayNode upTo = JSON.createArrayNode();
    for (int j = 0; j <= index; j++) {
      upTo.add(messages.get(j));
    }
    String through = template.render(upTo, options(tools, false));
    if (!text.startsWith(through)) {
      return contentRange;
    }
    // The turn's closing token is added by the masker: stop before it and any whitespace.
    String written = text.substring(from, through.length());
    boolean trimmed = true;
    while (trimmed) {
      trimmed = false;
      String stripped = written.stripTrailing();
      for (String token : specialTokens) {
        if (stripped.endsWith(token)) {
          stripped = stripped.substring(0, stripped.length() - token.length());
          trimmed = true;
        }
      }
      trimmed |= stripped.length() != written.length();
      written = stripped;
      if (written.isEmpty()) {
        break;
      }
    }
    return written.isEmpty() ? contentRange : new int[] {from, from + written.length()};
  }

  private RenderOptions options(JsonNode tools, boolean addGenerationPrompt) {
    RenderOptions.Builder builder =
        RenderOptions.builder().addGenerationPrompt(addGenerationPrompt);
    if (tools != null && !tools.isNull()) {
      builder.tools(tools);
    }
    return builder.build();
  }

  private static final class UnlocatedMessage extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UnlocatedMessage(String message) {
      super(message, null, false, false);
    }
  }
}
