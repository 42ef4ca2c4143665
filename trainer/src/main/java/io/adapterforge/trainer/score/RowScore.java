package io.adapterforge.trainer.score;

import static java.util.Objects.requireNonNull;

import io.adapterforge.trainer.train.LossSum;

/**
 * What {@link Scorer} made of one row: its loss, or why it could not be scored.
 *
 * @param loss the summed NLL and trained-token count; null for errors
 * @param reason a reason code such as {@code TOKEN_OUT_OF_VOCABULARY}; null unless failed
 * @param detail what exactly was wrong; null unless failed
 */
public record RowScore(LossSum loss, String reason, String detail) {
  public RowScore {
    if ((loss == null) == (reason == null)) {
      throw new IllegalArgumentException("A row score has either a loss or a reason, not both");
    }
  }

  /** A scored row. */
  public static RowScore scored(LossSum loss) {
    return new RowScore(requireNonNull(loss, "loss is null"), null, null);
  }

  /** A row that could not be scored. */
  public static RowScore failed(String reason, String detail) {
    return new RowScore(null, requireNonNull(reason, "reason is null"), detail);
  }

  public boolean isError() {
    return reason != null;
  }

  /** {@code REASON: detail}, for output lines. */
  public String error() {
    return detail == null ? reason : reason + ": " + detail;
  }
}
