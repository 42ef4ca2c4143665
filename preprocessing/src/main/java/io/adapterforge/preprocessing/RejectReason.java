package io.adapterforge.preprocessing;

/**
 * Why a line of input did not become a training row. The codes are a contract: they appear in
 * {@code rejects/} and in {@code report.json}, and users filter on them.
 */
public enum RejectReason {
  /** The line is not valid JSON, or not a JSON object. */
  MALFORMED_JSON,
  /** A JSON object in none of the accepted formats (chat, instruction, completion). */
  UNKNOWN_FORMAT,
  /** A message without a role, or with a role that is not system, user, assistant or tool. */
  BAD_ROLE,
  /** A message whose content is empty (after cleaning) and that calls no tool. */
  EMPTY_CONTENT,
  /** A conversation with no assistant message: nothing to train on. */
  NO_ASSISTANT_TURN,
  /** The chat template raised an error (its message is in {@code detail}). */
  TEMPLATE_ERROR,
  /** Longer than {@code prepare.max-seq-length} tokens (or no trained token left after cut). */
  TOO_LONG,
  /** The adapter id is missing or does not match {@code [a-z0-9][a-z0-9._-]{0,63}}. */
  BAD_ADAPTER_ID,
  /** Rendering and tokenizing left no assistant token to train on. */
  NO_TRAINED_TOKENS,
  /** The file could not be read past this line (e.g. a truncated gzip); detail says why. */
  UNREADABLE_FILE
}
