package io.adapterforge.evaluation.metrics;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Exact match and token F1 of one prediction against one reference, both after {@link
 * AnswerNormalizer} normalization — the definitions of the SQuAD v1.1 evaluation script.
 *
 * <p>Edge case, as in SQuAD v2: when the prediction or the reference normalizes to no tokens, token
 * F1 is 1 if both are empty and 0 otherwise. Stateless and thread-safe.
 */
public final class AnswerScores {
  private AnswerScores() {}

  /** True when both texts normalize to the same string. */
  public static boolean exactMatch(String prediction, String reference) {
    return AnswerNormalizer.normalize(prediction).equals(AnswerNormalizer.normalize(reference));
  }

  /**
   * The harmonic mean of token precision and recall, counting tokens as a multiset (a token that
   * appears twice in both texts counts twice). In [0, 1].
   */
  public static double tokenF1(String prediction, String reference) {
    List<String> predicted = AnswerNormalizer.tokens(prediction);
    List<String> expected = AnswerNormalizer.tokens(reference);
    if (predicted.isEmpty() || expected.isEmpty()) {
      return predicted.isEmpty() && expected.isEmpty() ? 1.0 : 0.0;
    }
    Map<String, Integer> remaining = new HashMap<>();
    for (String token : expected) {
      remaining.merge(token, 1, Integer::sum);
    }
    int common = 0;
    for (String token : predicted) {
      Integer count = remaining.get(token);
      if (count != null && count > 0) {
        remaining.put(token, count - 1);
        common++;
      }
    }
    if (common == 0) {
      return 0.0;
    }
    double precision = (double) common / predicted.size();
    double recall = (double) common / expected.size();
    return 2 * precision * recall / (precision + recall);
  }
}
