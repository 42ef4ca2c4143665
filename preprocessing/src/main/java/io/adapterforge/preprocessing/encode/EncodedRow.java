package io.adapterforge.preprocessing.encode;

import io.adapterforge.preprocessing.RejectReason;

/**
 * The outcome of encoding one conversation: token ids and labels, or a reject.
 *
 * @param inputIds token ids, at most {@code prepare.max-seq-length}
 * @param labels same length; {@code -100} where not trained
 * @param numLossTokens labels that are not {@code -100}
 * @param reason null unless rejected
 * @param detail why, for rejects
 */
public record EncodedRow(
    int[] inputIds, int[] labels, int numLossTokens, RejectReason reason, String detail) {
  static EncodedRow reject(RejectReason reason, String detail) {
    return new EncodedRow(null, null, 0, reason, detail);
  }

  public boolean isReject() {
    return reason != null;
  }
}
