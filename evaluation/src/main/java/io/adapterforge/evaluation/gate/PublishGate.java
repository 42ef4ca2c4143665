package io.adapterforge.evaluation.gate;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;

/**
 * Decides whether an evaluated adapter may be published. The rules, checked in this order, and all
 * reported when several break:
 *
 * <ol>
 *   <li>the NLLs must be finite and positive (a NaN loss is never published);
 *   <li>{@code publish.min-gain}: {@code (baseNll - adapterNll) / baseNll >= minGain};
 *   <li>{@code publish.max-regression}, only when a production version exists: {@code (adapterNll -
 *       productionNll) / productionNll <= maxRegression};
 *   <li>each configured task-metric threshold ({@code publish.min-exact-match}, {@code
 *       publish.min-token-f1}, {@code publish.min-tool-call-f1}, {@code
 *       publish.min-tool-name-accuracy}): the metric must be at least the threshold. A metric that
 *       is undefined on the test rows (NaN — e.g. tool-call F1 when neither references nor replies
 *       call a tool) cannot be judged, so its rule does not apply; the pass reason says so.
 * </ol>
 *
 * <p>Immutable and thread-safe.
 */
public final class PublishGate {
  private final GateConfig config;

  public PublishGate(GateConfig config) {
    this.config = requireNonNull(config, "config is null");
  }

  /** Judges one adapter. Never throws for bad numbers: they become a rejection. */
  public GateDecision decide(GateInput input) {
    requireNonNull(input, "input is null");
    List<String> broken = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    List<String> notes = new ArrayList<>();

    double base = input.baseNll();
    double adapter = input.adapterNll();
    if (!isPositiveFinite(base) || !isPositiveFinite(adapter)) {
      broken.add(GateConfig.MIN_GAIN);
      failures.add(
          String.format(
              Locale.ROOT,
              "test NLL is not a positive finite number (base %s, adapter %s), so %s cannot be"
                  + " checked",
              base,
              adapter,
              GateConfig.MIN_GAIN));
    } else {
      double gain = (base - adapter) / base;
      if (gain < config.minGain()) {
        broken.add(GateConfig.MIN_GAIN);
        failures.add(
            String.format(
                Locale.ROOT,
                "relative NLL gain %s over base (base %s, adapter %s) is below %s %s",
                fmt(gain),
                fmt(base),
                fmt(adapter),
                GateConfig.MIN_GAIN,
                fmt(config.minGain())));
      } else {
        notes.add(
            String.format(
                Locale.ROOT,
                "relative NLL gain %s over base >= %s %s",
                fmt(gain),
                GateConfig.MIN_GAIN,
                fmt(config.minGain())));
      }
    }

    OptionalDouble production = input.productionNll();
    if (production.isPresent()) {
      double current = production.getAsDouble();
      if (!isPositiveFinite(current) || !isPositiveFinite(adapter)) {
        broken.add(GateConfig.MAX_REGRESSION);
        failures.add(
            String.format(
                Locale.ROOT,
                "production NLL %s or adapter NLL %s is not a positive finite number, so %s cannot"
                    + " be checked",
                current,
                adapter,
                GateConfig.MAX_REGRESSION));
      } else {
        double regression = (adapter - current) / current;
        if (regression > config.maxRegression()) {
          broken.add(GateConfig.MAX_REGRESSION);
          failures.add(
              String.format(
                  Locale.ROOT,
                  "NLL regresses %s against production (production %s, adapter %s), above %s %s",
                  fmt(regression),
                  fmt(current),
                  fmt(adapter),
                  GateConfig.MAX_REGRESSION,
                  fmt(config.maxRegression())));
        } else {
          notes.add(
              String.format(
                  Locale.ROOT,
                  "NLL change against production %s <= %s %s",
                  fmt(regression),
                  GateConfig.MAX_REGRESSION,
                  fmt(config.maxRegression())));
        }
      }
    } else {
      notes.add("no production version to compare with");
    }

    var metrics = input.taskMetrics();
    checkMinimum(
        "exact match",
        metrics.exactMatch(),
        config.minExactMatch(),
        GateConfig.MIN_EXACT_MATCH,
        broken,
        failures,
        notes);
    checkMinimum(
        "token F1",
        metrics.tokenF1(),
        config.minTokenF1(),
        GateConfig.MIN_TOKEN_F1,
        broken,
        failures,
        notes);
    checkMinimum(
        "tool-call F1",
        metrics.toolCallF1(),
        config.minToolCallF1(),
        GateConfig.MIN_TOOL_CALL_F1,
        broken,
        failures,
        notes);
    checkMinimum(
        "tool-name accuracy",
        metrics.toolNameAccuracy(),
        config.minToolNameAccuracy(),
        GateConfig.MIN_TOOL_NAME_ACCURACY,
        broken,
        failures,
        notes);

    boolean published = broken.isEmpty();
    String reason = published ? String.join("; ", notes) : String.join("; ", failures);
    return new GateDecision(input.adapterId(), published, reason, broken);
  }

  private static void checkMinimum(
      String label,
      double value,
      OptionalDouble threshold,
      String key,
      List<String> broken,
      List<String> failures,
      List<String> notes) {
    if (threshold.isEmpty()) {
      return;
    }
    double minimum = threshold.getAsDouble();
    if (Double.isNaN(value)) {
      notes.add(
          String.format(Locale.ROOT, "%s undefined on the test rows, %s not applied", label, key));
    } else if (value < minimum) {
      broken.add(key);
      failures.add(
          String.format(Locale.ROOT, "%s %s is below %s %s", label, fmt(value), key, fmt(minimum)));
    } else {
      notes.add(String.format(Locale.ROOT, "%s %s >= %s %s", label, fmt(value), key, fmt(minimum)));
    }
  }

  private static boolean isPositiveFinite(double value) {
    return Double.isFinite(value) && value > 0;
  }

  private static String fmt(double value) {
    return String.format(Locale.ROOT, "%.4f", value);
  }
}
