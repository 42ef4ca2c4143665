package io.adapterforge.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CounterRandomTest {
  @Test
  void mixIsSplittableRandomsFinalizer() {
    // SplittableRandom(s).nextLong() is mix(s + golden gamma).
    long seed = 123456789L;
    assertThat(CounterRandom.mix(seed + 0x9e3779b97f4a7c15L))
        .isEqualTo(new SplittableRandom(seed).nextLong());
  }

  @Test
  void keysChainTheirParts() {
    assertThat(CounterRandom.key(5, 6, 7))
        .isEqualTo(CounterRandom.mix(CounterRandom.mix(CounterRandom.mix(5) + 6) + 7));
    assertThat(CounterRandom.key(5, 6, 7)).isNotEqualTo(CounterRandom.key(5, 7, 6));
  }

  @Test
  void uniformsAreMultiplesOf2ToTheMinus24InTheUnitInterval() {
    long key = CounterRandom.key(42);
    double sum = 0;
    int count = 100_000;
    for (int i = 0; i < count; i++) {
      float u = CounterRandom.uniform(key, i);
      assertThat(u).isGreaterThanOrEqualTo(0f).isLessThan(1f);
      assertThat(u * (1 << 24)).isEqualTo((float) Math.rint(u * (1 << 24)));
      sum += u;
    }
    assertThat(sum / count).isCloseTo(0.5, within(0.005));
    assertThat(CounterRandom.uniform(key, 3)).isEqualTo(CounterRandom.uniform(key, 3));
  }
}
