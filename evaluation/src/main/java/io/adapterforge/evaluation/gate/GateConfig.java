package io.adapterforge.evaluation.gate;

import io.adapterforge.config.PublishConfig;
import java.util.OptionalDouble;

/**
 * {@code publish.*}: the thresholds of the {@link PublishGate}. The keys, defaults and rules are
 * those of {@link PublishConfig}, which this record is made {@linkplain #from from} and checked by.
 *
 * @param minGain the least relative improvement of the adapter's test NLL over the bare base model,
 *     {@code (baseNll - adapterNll) / baseNll}, in [0, 1) ({@code publish.min-gain}, default 0.02)
 * @param maxRegression the largest relative worsening of the test NLL against the current {@code
 *     production} version on the same test rows, {@code (adapterNll - productionNll) /
 *     productionNll}, in [0, 1) ({@code publish.max-regression}, default 0.01)
 * @param minExactMatch optional least exact match, in [0, 1] ({@code publish.min-exact-match},
 *     default unset)
 * @param minTokenF1 optional least token F1, in [0, 1] ({@code publish.min-token-f1}, default
 *     unset)
 * @param minToolCallF1 optional least tool-call F1, in [0, 1] ({@code publish.min-tool-call-f1},
 *     default unset)
 * @param minToolNameAccuracy optional least accuracy of the called tool's name, in [0, 1] ({@code
 *     publish.min-tool-name-accuracy}, default unset)
 */
public record GateConfig(
    double minGain,
    double maxRegression,
    OptionalDouble minExactMatch,
    OptionalDouble minTokenF1,
    OptionalDouble minToolCallF1,
    OptionalDouble minToolNameAccuracy) {
  public static final String MIN_GAIN = PublishConfig.MIN_GAIN;
  public static final String MAX_REGRESSION = PublishConfig.MAX_REGRESSION;
  public static final String MIN_EXACT_MATCH = PublishConfig.MIN_EXACT_MATCH;
  public static final String MIN_TOKEN_F1 = PublishConfig.MIN_TOKEN_F1;
  public static final String MIN_TOOL_CALL_F1 = PublishConfig.MIN_TOOL_CALL_F1;
  public static final String MIN_TOOL_NAME_ACCURACY = PublishConfig.MIN_TOOL_NAME_ACCURACY;

  /** Default of {@code publish.min-gain}. */
  public static final double DEFAULT_MIN_GAIN = 0.02;

  /** Default of {@code publish.max-regression}. */
  public static final double DEFAULT_MAX_REGRESSION = 0.01;

  public GateConfig {
    // One set of rules for these keys: the config record's.
    new PublishConfig(
        minGain, maxRegression, minExactMatch, minTokenF1, minToolCallF1, minToolNameAccuracy);
  }

  /** The thresholds of a loaded configuration ({@code AdapterforgeConfig.publish()}). */
  public static GateConfig from(PublishConfig publish) {
    return new GateConfig(
        publish.minGain(),
        publish.maxRegression(),
        publish.minExactMatch(),
        publish.minTokenF1(),
        publish.minToolCallF1(),
        publish.minToolNameAccuracy());
  }

  /** The defaults: min-gain 0.02, max-regression 0.01, no task-metric thresholds. */
  public static GateConfig defaults() {
    return new GateConfig(
        DEFAULT_MIN_GAIN,
        DEFAULT_MAX_REGRESSION,
        OptionalDouble.empty(),
        OptionalDouble.empty(),
        OptionalDouble.empty(),
        OptionalDouble.empty());
  }
}
