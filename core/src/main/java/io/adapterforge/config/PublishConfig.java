package io.adapterforge.config;

import static io.adapterforge.config.InvalidConfigException.check;
import static java.util.Objects.requireNonNull;

import java.util.OptionalDouble;

/**
 * {@code publish.*}: the thresholds an adapter must meet to be published. The task-metric
 * thresholds are optional: {@code null} in {@code local.conf}, where they are listed, means the
 * rule is not applied.
 *
 * @param minGain the least relative improvement of the adapter's test NLL over the bare base model,
 *     {@code (baseNll - adapterNll) / baseNll}, in [0, 1) ({@code publish.min-gain}, default 0.02)
 * @param maxRegression the largest relative worsening of the test NLL against the current {@code
 *     production} version on the same test rows, in [0, 1) ({@code publish.max-regression}, default
 *     0.01)
 * @param minExactMatch least exact match, in [0, 1] ({@code publish.min-exact-match}, default
 *     unset)
 * @param minTokenF1 least token F1, in [0, 1] ({@code publish.min-token-f1}, default unset)
 * @param minToolCallF1 least tool-call F1, in [0, 1] ({@code publish.min-tool-call-f1}, default
 *     unset)
 * @param minToolNameAccuracy least accuracy of the called tool's name, in [0, 1] ({@code
 *     publish.min-tool-name-accuracy}, default unset)
 */
public record PublishConfig(
    double minGain,
    double maxRegression,
    OptionalDouble minExactMatch,
    OptionalDouble minTokenF1,
    OptionalDouble minToolCallF1,
    OptionalDouble minToolNameAccuracy) {
  public static final String MIN_GAIN = "publish.min-gain";
  public static final String MAX_REGRESSION = "publish.max-regression";
  public static final String MIN_EXACT_MATCH = "publish.min-exact-match";
  public static final String MIN_TOKEN_F1 = "publish.min-token-f1";
  public static final String MIN_TOOL_CALL_F1 = "publish.min-tool-call-f1";
  public static final String MIN_TOOL_NAME_ACCURACY = "publish.min-tool-name-accuracy";

  public PublishConfig {
    requireNonNull(minExactMatch, "minExactMatch is null");
    requireNonNull(minTokenF1, "minTokenF1 is null");
    requireNonNull(minToolCallF1, "minToolCallF1 is null");
    requireNonNull(minToolNameAccuracy, "minToolNameAccuracy is null");
    check(minGain >= 0 && minGain < 1, MIN_GAIN, minGain, "must be in [0, 1)");
    check(
        maxRegression >= 0 && maxRegression < 1,
        MAX_REGRESSION,
        maxRegression,
        "must be in [0, 1)");
    checkShare(minExactMatch, MIN_EXACT_MATCH);
    checkShare(minTokenF1, MIN_TOKEN_F1);
    checkShare(minToolCallF1, MIN_TOOL_CALL_F1);
    checkShare(minToolNameAccuracy, MIN_TOOL_NAME_ACCURACY);
  }

  private static void checkShare(OptionalDouble value, String key) {
    if (value.isPresent()) {
      double share = value.getAsDouble();
      check(share >= 0 && share <= 1, key, share, "must be in [0, 1]");
    }
  }

  static PublishConfig from(ConfigReader reader) {
    return new PublishConfig(
        reader.number(MIN_GAIN),
        reader.number(MAX_REGRESSION),
        reader.optionalNumber(MIN_EXACT_MATCH),
        reader.optionalNumber(MIN_TOKEN_F1),
        reader.optionalNumber(MIN_TOOL_CALL_F1),
        reader.optionalNumber(MIN_TOOL_NAME_ACCURACY));
  }
}
