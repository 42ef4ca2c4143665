package io.adapterforge.preprocessing.encode;

import io.adapterforge.dataset.PreparedLayout;
import java.util.List;
import java.util.Set;

/**
 * Computes labels from token character spans. A token is trained when its span overlaps a trained
 * character range (an assistant message's content), and so is the token that closes that turn: the
 * first special token after the range's last token ({@code <end_of_turn>}, {@code <|im_end|>},
 * {@code <|eot_id|>}, {@code </s>}…), with any whitespace-only tokens between them (Llama 2 writes
 * {@code " </s>"}). Only one special token: the next turn's opening token may follow at once (Llama
 * 3.1's {@code <|eot_id|><|start_header_id|>}). Spans and ranges are in Unicode code points, as DJL
 * reports them. Stateless.
 */
public final class LossMasker {
  private LossMasker() {}

  /**
   * @param ids the token ids
   * @param spanStarts each token's first code point
   * @param spanEnds each token's end code point (exclusive)
   * @param codePoints the rendered text as code points, to tell whitespace-only tokens
   * @param specialIds ids of the tokenizer's special tokens
   * @param ranges trained code-point ranges {start, end}, in order, not overlapping
   * @return labels: the id where trained, {@link PreparedLayout#IGNORE_INDEX} elsewhere
   */
  public static int[] labels(
      long[] ids,
      int[] spanStarts,
      int[] spanEnds,
      int[] codePoints,
      Set<Long> specialIds,
      List<int[]> ranges) {
    int[] labels = new int[ids.length];
    java.util.Arrays.fill(labels, PreparedLayout.IGNORE_INDEX);
    int token = 0;
    for (int[] range : ranges) {
      int start = range[0];
      int end = range[1];
      while (token < ids.length && spanEnds[token] <= start) {
        token++;
      }
      int last = -1;
      while (token < ids.length && spanStarts[token] < end) {
        if (spanEnds[token] > start) {
          labels[token] = (int) ids[token];
          last = token;
        }
        token++;
      }
      if (last < 0) {
        continue;
      }
      int next = last + 1;
      while (next < ids.length
          && !specialIds.contains(ids[next])
          && isWhitespace(codePoints, spanStarts[next], spanEnds[next])) {
        next++;
      }
      if (next < ids.length && specialIds.contains(ids[next])) {
        for (int t = last + 1; t <= next; t++) {
          labels[t] = (int) ids[t];
        }
        next++;
      }
      token = Math.max(token, next);
    }
    return labels;
  }

  private static boolean isWhitespace(int[] codePoints, int start, int end) {
    if (start >= end) {
      return false;
    }
    for (int i = start; i < end && i < codePoints.length; i++) {
      if (!Character.isWhitespace(codePoints[i])) {
        return false;
      }
    }
    return true;
  }
}
