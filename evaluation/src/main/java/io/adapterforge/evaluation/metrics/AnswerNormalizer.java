package io.adapterforge.evaluation.metrics;

import static java.util.Objects.requireNonNull;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * SQuAD-style answer normalization, extended so that non-English text (Russian in particular)
 * survives it. {@link #normalize} applies, in this order:
 *
 * <ol>
 *   <li>Unicode NFC composition (so a decomposed {@code й} equals a composed one; {@code ё} and
 *       {@code е} stay different letters);
 *   <li>lower-casing with {@link Locale#ROOT} (Cyrillic lower-cases correctly; no Turkish dotless i
 *       surprises);
 *   <li>deleting punctuation: every character of a Unicode punctuation category ({@code Pc Pd Ps Pe
 *       Pi Pf Po}, which covers {@code « » — … „ “}) and every ASCII character of Python's {@code
 *       string.punctuation}. As in the SQuAD script the character is deleted, not replaced by a
 *       space, so {@code don't} becomes {@code dont}. Letters, digits and marks of every script are
 *       kept;
 *   <li>deleting the English articles {@code a}, {@code an} and {@code the} when they are whole
 *       words (Russian has no articles; the Russian conjunction {@code а} is Cyrillic and is kept);
 *   <li>collapsing runs of whitespace to one space and trimming.
 * </ol>
 *
 * <p>Stateless and thread-safe.
 */
public final class AnswerNormalizer {
  private static final String ASCII_PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";
  private static final Set<String> ENGLISH_ARTICLES = Set.of("a", "an", "the");

  private AnswerNormalizer() {}

  /** Returns the normalized text, as described on the class. */
  public static String normalize(String text) {
    return String.join(" ", tokens(text));
  }

  /** Returns the normalized text split on whitespace; empty when nothing is left. */
  public static List<String> tokens(String text) {
    requireNonNull(text, "text is null");
    String lower = Normalizer.normalize(text, Normalizer.Form.NFC).toLowerCase(Locale.ROOT);
    StringBuilder kept = new StringBuilder(lower.length());
    lower
        .codePoints()
        .filter(codePoint -> !isPunctuation(codePoint))
        .forEach(kept::appendCodePoint);
    List<String> tokens = new ArrayList<>();
    for (String token : kept.toString().split("\\s+")) {
      if (!token.isEmpty() && !ENGLISH_ARTICLES.contains(token)) {
        tokens.add(token);
      }
    }
    return tokens;
  }

  private static boolean isPunctuation(int codePoint) {
    if (codePoint < 128) {
      return ASCII_PUNCTUATION.indexOf(codePoint) >= 0;
    }
    switch (Character.getType(codePoint)) {
      case Character.CONNECTOR_PUNCTUATION:
      case Character.DASH_PUNCTUATION:
      case Character.START_PUNCTUATION:
      case Character.END_PUNCTUATION:
      case Character.INITIAL_QUOTE_PUNCTUATION:
      case Character.FINAL_QUOTE_PUNCTUATION:
      case Character.OTHER_PUNCTUATION:
        return true;
      default:
        return false;
    }
  }
}
