package io.adapterforge.preprocessing.parse;

import io.adapterforge.preprocessing.RejectReason;
import java.util.List;

/**
 * What {@link ConversationParser} made of one line: a conversation, or a reject reason.
 *
 * @param adapterId the resolved adapter id; may be null or invalid only for rejects
 * @param format {@code chat}, {@code instruction} or {@code completion}; null when unknown
 * @param messages the messages, in order (empty for rejects that never got that far)
 * @param tools the conversation's tool definitions as JSON, or null
 * @param reason null when the line parsed
 * @param detail what exactly was wrong, for rejects
 */
public record ParsedLine(
    String adapterId,
    String format,
    List<Message> messages,
    String tools,
    RejectReason reason,
    String detail) {
  static ParsedLine reject(String adapterId, RejectReason reason, String detail) {
    return new ParsedLine(adapterId, null, List.of(), null, reason, detail);
  }

  public boolean isReject() {
    return reason != null;
  }
}
