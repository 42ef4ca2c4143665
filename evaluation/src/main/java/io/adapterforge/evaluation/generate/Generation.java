package io.adapterforge.evaluation.generate;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;

/**
 * The result of decoding one prompt: the new tokens and why decoding ended. Immutable: the token
 * array is copied in and out.
 *
 * @param tokenIds the generated token ids in order, without the prompt and without the stop token
 * @param stoppedAtStop true when decoding ended at a stop token (which {@code tokenIds} leaves
 *     out), false when it reached the limit of new tokens
 * @param promptTokens the number of prompt tokens the model read
 * @param prefillTime the time of the prompt's forward pass and the choice of the first token
 * @param decodeTime the time of every later step
 */
public record Generation(
    int[] tokenIds,
    boolean stoppedAtStop,
    int promptTokens,
    Duration prefillTime,
    Duration decodeTime) {
  public Generation {
    tokenIds = requireNonNull(tokenIds, "tokenIds is null").clone();
    requireNonNull(prefillTime, "prefillTime is null");
    requireNonNull(decodeTime, "decodeTime is null");
    if (promptTokens < 1) {
      throw new IllegalArgumentException(
          "Cannot use promptTokens " + promptTokens + ": must be positive");
    }
  }

  /** A copy of the generated token ids. */
  @Override
  public int[] tokenIds() {
    return tokenIds.clone();
  }

  /** The number of generated tokens (the stop token not counted). */
  public int newTokens() {
    return tokenIds.length;
  }

  /** Equal when every component is, comparing the token ids by content. */
  @Override
  public boolean equals(Object other) {
    return other instanceof Generation that
        && Arrays.equals(tokenIds, that.tokenIds)
        && stoppedAtStop == that.stoppedAtStop
        && promptTokens == that.promptTokens
        && prefillTime.equals(that.prefillTime)
        && decodeTime.equals(that.decodeTime);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(tokenIds)
        + Objects.hash(stoppedAtStop, promptTokens, prefillTime, decodeTime);
  }

  @Override
  public String toString() {
    return String.format(
        "Generation[tokenIds=%s, stoppedAtStop=%s, promptTokens=%d, prefillTime=%s,"
            + " decodeTime=%s]",
        Arrays.toString(tokenIds), stoppedAtStop, promptTokens, prefillTime, decodeTime);
  }
}
