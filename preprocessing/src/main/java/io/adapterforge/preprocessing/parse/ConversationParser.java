package io.adapterforge.preprocessing.parse;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.adapterforge.config.AdapterIds;
import io.adapterforge.preprocessing.RejectReason;
import io.adapterforge.preprocessing.encode.Fingerprints;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parses one JSONL line into a conversation, in any accepted format:
 *
 * <ul>
 *   <li>chat: {@code {"messages": [{"role": …, "content": …}, …]}}; also ShareGPT's {@code
 *       {"conversations": [{"from": …, "value": …}]}}; role aliases {@code model}, {@code gpt},
 *       {@code bot} → assistant, {@code human} → user; content may be a list of text parts;
 *   <li>instruction: {@code {"instruction": …, "input": …, "output": …}} (optional {@code system})
 *       → user = instruction, a blank line and the input; assistant = output;
 *   <li>completion: {@code {"prompt": …, "completion": …}} (optional {@code system}).
 * </ul>
 *
 * The adapter id comes from the configured field, else from the folder under the input root.
 * Stateless apart from the field name; thread-safe and serializable.
 */
public final class ConversationParser implements java.io.Serializable {
  private static final long serialVersionUID = 1L;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Map<String, String> ROLES =
      Map.ofEntries(
          Map.entry("system", "system"),
          Map.entry("user", "user"),
          Map.entry("human", "user"),
          Map.entry("assistant", "assistant"),
          Map.entry("model", "assistant"),
          Map.entry("gpt", "assistant"),
          Map.entry("bot", "assistant"),
          Map.entry("tool", "tool"));
  private static final Set<String> MESSAGE_KEYS =
      Set.of("role", "from", "content", "value", "tool_calls");

  private final String adapterField;

  public ConversationParser(String adapterField) {
    this.adapterField = adapterField;
  }

  /** Parses one line; never throws for bad input, which becomes a reject. */
  public ParsedLine parse(String text, String folderAdapter) {
    JsonNode root;
    try {
      root = JSON.readTree(text);
    } catch (JsonProcessingException e) {
      return ParsedLine.reject(folderAdapter, RejectReason.MALFORMED_JSON, e.getOriginalMessage());
    }
    if (root == null || !root.isObject()) {
      return ParsedLine.reject(
          folderAdapter,
          RejectReason.MALFORMED_JSON,
          "expected a JSON object, got " + (root == null ? "nothing" : root.getNodeType()));
    }
    String adapterId = folderAdapter;
    JsonNode field = root.get(adapterField);
    if (field != null && !field.isNull()) {
      if (!field.isTextual()) {
        return ParsedLine.reject(
            folderAdapter,
            RejectReason.BAD_ADAPTER_ID,
            "field '" + adapterField + "' is " + field.getNodeType() + ", not a string");
      }
      adapterId = field.asText();
    }
    if (adapterId == null) {
      return ParsedLine.reject(
          null,
          RejectReason.BAD_ADAPTER_ID,
          "no '" + adapterField + "' field, and the file is not in a folder under the input root");
    }
    if (!AdapterIds.isValid(adapterId)) {
      return ParsedLine.reject(
          adapterId, RejectReason.BAD_ADAPTER_ID, "'" + adapterId + "' " + AdapterIds.RULE);
    }
    try {
      return parseFormat((ObjectNode) root, adapterId);
    } catch (BadLine e) {
      return ParsedLine.reject(adapterId, e.reason, e.getMessage());
    }
  }

  private ParsedLine parseFormat(ObjectNode root, String adapterId) {
    JsonNode chat = root.has("messages") ? root.get("messages") : root.get("conversations");
    String tools = root.hasNonNull("tools") ? root.get("tools").toString() : null;
    if (chat != null) {
      if (!chat.isArray()) {
        throw new BadLine(
            RejectReason.UNKNOWN_FORMAT,
            (root.has("messages") ? "messages" : "conversations") + " is not an array");
      }
      List<Message> messages = new ArrayList<>();
      int index = 0;
      for (JsonNode node : chat) {
        messages.add(message(node, index++));
      }
      return conversation(adapterId, "chat", messages, tools);
    }
    if (root.has("instruction") && root.has("output")) {
      String instruction = text(root.get("instruction"), "instruction");
      String input = root.hasNonNull("input") ? text(root.get("input"), "input") : "";
      String user = input.isEmpty() ? instruction : instruction + "\n\n" + input;
      return conversation(
          adapterId,
          "instruction",
          withSystem(root, user, text(root.get("output"), "output")),
          tools);
    }
    if (root.has("prompt") && root.has("completion")) {
      return conversation(
          adapterId,
          "completion",
          withSystem(
              root, text(root.get("prompt"), "prompt"), text(root.get("completion"), "completion")),
          tools);
    }
    List<String> keys = new ArrayList<>();
    root.fieldNames().forEachRemaining(keys::add);
    throw new BadLine(
        RejectReason.UNKNOWN_FORMAT,
        "no messages, instruction/output or prompt/completion; keys are " + keys);
  }

  private static ParsedLine conversation(
      String adapterId, String format, List<Message> messages, String tools) {
    if (messages.stream().noneMatch(m -> m.role().equals("assistant"))) {
      return new ParsedLine(
          adapterId,
          format,
          messages,
          tools,
          RejectReason.NO_ASSISTANT_TURN,
          messages.isEmpty() ? "no messages" : "no message has the role assistant");
    }
    return new ParsedLine(adapterId, format, List.copyOf(messages), tools, null, null);
  }

  private static List<Message> withSystem(ObjectNode root, String user, String assistant) {
    List<Message> messages = new ArrayList<>();
    if (root.hasNonNull("system")) {
      messages.add(new Message("system", text(root.get("system"), "system"), null, null));
    }
    messages.add(new Message("user", user, null, null));
    messages.add(new Message("assistant", assistant, null, null));
    return messages;
  }

  private static Message message(JsonNode node, int index) {
    if (!node.isObject()) {
      throw new BadLine(
          RejectReason.UNKNOWN_FORMAT, "message " + index + " is " + node.getNodeType());
    }
    JsonNode roleNode = node.has("role") ? node.get("role") : node.get("from");
    if (roleNode == null || !roleNode.isTextual()) {
      throw new BadLine(RejectReason.BAD_ROLE, "message " + index + " has no role");
    }
    String role = ROLES.get(roleNode.asText());
    if (role == null) {
      throw new BadLine(
          RejectReason.BAD_ROLE,
          "message "
              + index
              + " has role '"
              + roleNode.asText()
              + "'; expected one of "
              + ROLES.keySet().stream().sorted().toList());
    }
    JsonNode contentNode = node.has("content") ? node.get("content") : node.get("value");
    String content = content(contentNode, index);
    JsonNode toolCalls = node.get("tool_calls");
    String toolCallsJson =
        toolCalls == null || toolCalls.isNull() || (toolCalls.isArray() && toolCalls.isEmpty())
            ? null
            : toolCalls.toString();
    ObjectNode extra = JSON.createObjectNode();
    Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> entry = fields.next();
      if (!MESSAGE_KEYS.contains(entry.getKey())) {
        extra.set(entry.getKey(), entry.getValue());
      }
    }
    return new Message(role, content, toolCallsJson, extra.isEmpty() ? null : extra.toString());
  }

  private static String content(JsonNode node, int index) {
    if (node == null || node.isNull()) {
      return "";
    }
    if (node.isTextual()) {
      return node.asText();
    }
    if (node.isArray()) {
      StringBuilder text = new StringBuilder();
      for (JsonNode part : node) {
        if (part.isTextual()) {
          text.append(part.asText());
        } else if (part.isObject()
            && "text".equals(part.path("type").asText("text"))
            && part.path("text").isTextual()) {
          text.append(part.get("text").asText());
        } else {
          throw new BadLine(
              RejectReason.UNKNOWN_FORMAT,
              "message " + index + " has a content part that is not text: " + abbreviate(part));
        }
      }
      return text.toString();
    }
    throw new BadLine(
        RejectReason.UNKNOWN_FORMAT,
        "message " + index + " has content of type " + node.getNodeType());
  }

  private static String text(JsonNode node, String field) {
    if (node == null || node.isNull()) {
      return "";
    }
    if (!node.isTextual()) {
      throw new BadLine(
          RejectReason.UNKNOWN_FORMAT, "field '" + field + "' is " + node.getNodeType());
    }
    return node.asText();
  }

  private static String abbreviate(JsonNode node) {
    String text = node.toString();
    return text.length() <= 80 ? text : text.substring(0, 77) + "...";
  }

  /**
   * The normalized conversation: {@code {"messages": [{"role", "content", "tool_calls"?, …extra}],
   * "tools"?: […]}}, compact, keys in a fixed order. Same conversation ⇒ same bytes.
   */
  public static String normalizedJson(List<Message> messages, String tools) {
    ObjectNode root = JSON.createObjectNode();
    ArrayNode array = root.putArray("messages");
    try {
      for (Message message : messages) {
        ObjectNode node = array.addObject();
        node.put("role", message.role());
        node.put("content", message.content());
        if (message.toolCalls() != null) {
          node.set("tool_calls", JSON.readTree(message.toolCalls()));
        }
        if (message.extra() != null) {
          node.setAll((ObjectNode) JSON.readTree(message.extra()));
        }
      }
      if (tools != null) {
        root.set("tools", JSON.readTree(tools));
      }
      return JSON.writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("JSON written by this parser no longer parses", e);
    }
  }

  /** The example id: lower-case hex sha256 of the normalized conversation JSON. */
  public static String exampleId(String normalizedJson) {
    return exampleId(normalizedJson.getBytes(StandardCharsets.UTF_8));
  }

  /** The example id of the normalized conversation JSON in UTF-8. */
  public static String exampleId(byte[] normalizedJson) {
    return Fingerprints.sha256(normalizedJson);
  }

  private static final class BadLine extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient RejectReason reason;

    BadLine(RejectReason reason, String detail) {
      super(detail, null, false, false);
      this.reason = reason;
    }
  }
}
