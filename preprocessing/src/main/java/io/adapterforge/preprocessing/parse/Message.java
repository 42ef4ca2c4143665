package io.adapterforge.preprocessing.parse;

import static java.util.Objects.requireNonNull;

import java.io.Serializable;

/**
 * One normalized chat message.
 *
 * @param role {@code system}, {@code user}, {@code assistant} or {@code tool}
 * @param content the text ({@code ""} when the source had none, e.g. a pure tool call)
 * @param toolCalls the message's {@code tool_calls} as JSON, or null
 * @param extra the message's other fields as a JSON object (e.g. {@code name}, {@code
 *     tool_call_id}, {@code reasoning_content}), or null when there are none
 */
public record Message(String role, String content, String toolCalls, String extra)
    implements Serializable {
  public Message {
    requireNonNull(role, "role is null");
    requireNonNull(content, "content is null");
  }
}
