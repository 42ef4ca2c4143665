package io.adapterforge.trainer.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** transformers' schedules with warmup, as LambdaLR applies them per update. */
class LearningRateScheduleTest {
  @Test
  void warmsUpLinearlyFromZero() {
    for (LearningRateSchedule schedule : LearningRateSchedule.values()) {
      assertThat(schedule.factor(0, 4, 100)).isZero();
      assertThat(schedule.factor(1, 4, 100)).isEqualTo(0.25);
      assertThat(schedule.factor(3, 4, 100)).isEqualTo(0.75);
      assertThat(schedule.factor(4, 4, 100)).isEqualTo(1.0);
    }
  }

  @Test
  void decaysAfterWarmup() {
    assertThat(LearningRateSchedule.CONSTANT.factor(99, 4, 100)).isEqualTo(1.0);
    assertThat(LearningRateSchedule.LINEAR.factor(52, 4, 100)).isEqualTo(0.5);
    assertThat(LearningRateSchedule.LINEAR.factor(100, 4, 100)).isZero();
    assertThat(LearningRateSchedule.COSINE.factor(52, 4, 100)).isCloseTo(0.5, within(1e-15));
    assertThat(LearningRateSchedule.COSINE.factor(28, 4, 100))
        .isCloseTo(0.5 * (1 + Math.cos(Math.PI * 0.25)), within(1e-15));
    assertThat(LearningRateSchedule.COSINE.factor(100, 4, 100)).isCloseTo(0, within(1e-15));
  }

  @Test
  void withoutWarmupStartsAtThePeak() {
    assertThat(LearningRateSchedule.LINEAR.factor(0, 0, 10)).isEqualTo(1.0);
    assertThat(LearningRateSchedule.COSINE.factor(0, 0, 10)).isEqualTo(1.0);
  }
}
