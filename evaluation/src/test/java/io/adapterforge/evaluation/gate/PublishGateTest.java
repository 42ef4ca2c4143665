package io.adapterforge.evaluation.gate;

import static org.assertj.core.api.Assertions.assertThat;

import io.adapterforge.evaluation.metrics.TaskMetrics;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class PublishGateTest {
  private static final OptionalDouble NONE = OptionalDouble.empty();
  private static final TaskMetrics GOOD_TASKS = new TaskMetrics(10, 0.5, 0.7, 0.9, 0.8, 0.85, 0.75);

  private static GateInput input(double base, double adapter, OptionalDouble production) {
    return new GateInput("bank", base, adapter, production, GOOD_TASKS);
  }

  @Test
  void publishesAdapterThatBeatsBaseWithoutProductionVersion() {
    GateDecision decision = new PublishGate(GateConfig.defaults()).decide(input(2.0, 1.5, NONE));
    assertThat(decision.published()).isTrue();
    assertThat(decision.brokenRules()).isEmpty();
    assertThat(decision.reason())
        .isEqualTo(
            "relative NLL gain 0.2500 over base >= publish.min-gain 0.0200; no production version"
                + " to compare with");
  }

  @Test
  void rejectsGainBelowMinimumNamingNumberThresholdAndRule() {
    GateDecision decision = new PublishGate(GateConfig.defaults()).decide(input(2.0, 1.99, NONE));
    assertThat(decision.published()).isFalse();
    assertThat(decision.brokenRules()).containsExactly("publish.min-gain");
    assertThat(decision.reason())
        .isEqualTo(
            "relative NLL gain 0.0050 over base (base 2.0000, adapter 1.9900) is below"
                + " publish.min-gain 0.0200");
  }

  @Test
  void gainExactlyAtThresholdPasses() {
    GateConfig config = new GateConfig(0.25, 0.01, NONE, NONE, NONE, NONE);
    assertThat(new PublishGate(config).decide(input(2.0, 1.5, NONE)).published()).isTrue();
  }

  @Test
  void rejectsWorseAdapterThanBase() {
    GateDecision decision = new PublishGate(GateConfig.defaults()).decide(input(2.0, 2.2, NONE));
    assertThat(decision.published()).isFalse();
    assertThat(decision.reason()).contains("relative NLL gain -0.1000");
  }

  @Test
  void rejectsRegressionAgainstProduction() {
    GateDecision decision =
        new PublishGate(GateConfig.defaults()).decide(input(2.0, 1.5, OptionalDouble.of(1.4)));
    assertThat(decision.published()).isFalse();
    assertThat(decision.brokenRules()).containsExactly("publish.max-regression");
    assertThat(decision.reason())
        .isEqualTo(
            "NLL regresses 0.0714 against production (production 1.4000, adapter 1.5000), above"
                + " publish.max-regression 0.0100");
  }

  @Test
  void toleratesSmallRegressionAndImprovementAgainstProduction() {
    PublishGate gate = new PublishGate(GateConfig.defaults());
    assertThat(gate.decide(input(2.0, 1.5, OptionalDouble.of(1.49))).published()).isTrue();
    GateDecision better = gate.decide(input(2.0, 1.5, OptionalDouble.of(1.6)));
    assertThat(better.published()).isTrue();
    assertThat(better.reason())
        .contains("NLL change against production -0.0625 <= publish.max-regression 0.0100");
  }

  @Test
  void rejectsTaskMetricBelowThresholdAndReportsEveryBrokenRule() {
    GateConfig config =
        new GateConfig(0.02, 0.01, OptionalDouble.of(0.6), NONE, OptionalDouble.of(0.9), NONE);
    GateDecision decision = new PublishGate(config).decide(input(2.0, 1.99, NONE));
    assertThat(decision.published()).isFalse();
    assertThat(decision.brokenRules())
        .containsExactly("publish.min-gain", "publish.min-exact-match", "publish.min-tool-call-f1");
    assertThat(decision.reason())
        .contains("exact match 0.5000 is below publish.min-exact-match 0.6000")
        .contains("tool-call F1 0.8500 is below publish.min-tool-call-f1 0.9000");
  }

  @Test
  void undefinedTaskMetricDoesNotApplyItsRule() {
    GateConfig config = new GateConfig(0.02, 0.01, NONE, NONE, OptionalDouble.of(0.9), NONE);
    TaskMetrics noCalls =
        new TaskMetrics(5, 0.4, 0.6, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    GateDecision decision =
        new PublishGate(config).decide(new GateInput("legal", 2.0, 1.0, NONE, noCalls));
    assertThat(decision.published()).isTrue();
    assertThat(decision.reason())
        .contains("tool-call F1 undefined on the test rows, publish.min-tool-call-f1 not applied");
  }

  @Test
  void rejectsNonFiniteLoss() {
    PublishGate gate = new PublishGate(GateConfig.defaults());
    GateDecision nan = gate.decide(input(2.0, Double.NaN, OptionalDouble.of(1.5)));
    assertThat(nan.published()).isFalse();
    assertThat(nan.brokenRules()).containsExactly("publish.min-gain", "publish.max-regression");
    assertThat(nan.reason())
        .startsWith(
            "test NLL is not a positive finite number (base 2.0, adapter NaN), so publish.min-gain"
                + " cannot be checked");
  }
}
