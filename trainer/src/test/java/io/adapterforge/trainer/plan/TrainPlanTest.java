package io.adapterforge.trainer.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TrainPlanTest {
  @Test
  void assignsLongestFirstToTheLeastLoadedSlot() {
    List<AdapterWork> work =
        List.of(
            new AdapterWork("a", 30, 1),
            new AdapterWork("b", 10, 2),
            new AdapterWork("c", 25, 1),
            new AdapterWork("d", 5, 1),
            new AdapterWork("e", 10, 1));

    TrainPlan plan = TrainPlan.assign(work, 2);

    // Order by work: a 30, c 25, b 20, e 10, d 5. a→0 (30), c→1 (25), b→1 (45), e→0 (40), d→0.
    assertThat(plan.slots().get(0).adapters())
        .extracting(AdapterWork::adapterId)
        .containsExactly("a", "e", "d");
    assertThat(plan.slots().get(1).adapters())
        .extracting(AdapterWork::adapterId)
        .containsExactly("c", "b");
    assertThat(plan.makespan()).isEqualTo(45);
    assertThat(plan.totalWork()).isEqualTo(90);
    assertThat(plan.lowerBound()).isEqualTo(45.0);
    assertThat(plan.slotOf("b")).map(TrainPlan.Slot::index).contains(1);
    assertThat(plan.render())
        .contains("makespan 45 vs lower bound 45")
        .contains("slot 0: 45 tokens: a (30) e (10) d (5)");
  }

  @Test
  void moreSlotsThanAdaptersLeavesSlotsEmptyAndBoundIsTheLargest() {
    TrainPlan plan =
        TrainPlan.assign(List.of(new AdapterWork("x", 7, 1), new AdapterWork("y", 3, 1)), 4);

    assertThat(plan.slots()).hasSize(4);
    assertThat(plan.slots().get(2).adapters()).isEmpty();
    assertThat(plan.makespan()).isEqualTo(7);
    assertThat(plan.lowerBound()).isEqualTo(7.0);
  }

  @Test
  void lptEqualsTheOptimumOrStaysWithinGrahamsBoundOnSmallInstances() {
    Random random = new Random(5);
    int optimal = 0;
    for (int trial = 0; trial < 300; trial++) {
      int slots = 2 + random.nextInt(2);
      List<AdapterWork> work = randomWork(random, 2 + random.nextInt(7), 1 + random.nextInt(50));
      TrainPlan plan = TrainPlan.assign(work, slots);

      long best = bruteForceMakespan(work, slots);

      assertThat((double) best).isGreaterThanOrEqualTo(plan.lowerBound());
      assertThat((double) plan.makespan())
          .as("trial %d: %s on %d slots", trial, work, slots)
          .isLessThanOrEqualTo((4.0 / 3 - 1.0 / (3 * slots)) * best + 1e-9);
      if (plan.makespan() == best) {
        optimal++;
      }
    }
    // LPT is exact on most small instances; the bound above is what it guarantees on the rest.
    assertThat(optimal).isGreaterThan(200);
  }

  @Test
  void lptStaysWithinFourThirdsOfTheLowerBoundOnRandomInstances() {
    Random random = new Random(11);
    for (int trial = 0; trial < 2000; trial++) {
      int slots = 1 + random.nextInt(16);
      List<AdapterWork> work =
          randomWork(random, 1 + random.nextInt(200), 1 + random.nextInt(100_000));

      TrainPlan plan = TrainPlan.assign(work, slots);

      assertThat(plan.adapters()).hasSameSizeAs(work);
      assertThat(plan.totalWork()).isEqualTo(work.stream().mapToLong(AdapterWork::work).sum());
      assertThat(plan.ratioToLowerBound())
          .as("trial %d: %d adapters on %d slots", trial, work.size(), slots)
          .isLessThanOrEqualTo(4.0 / 3 + 1e-9);
    }
  }

  @Test
  void isAPureFunctionOfItsInput() {
    List<AdapterWork> work =
        List.of(
            new AdapterWork("b", 10, 1), new AdapterWork("a", 10, 1), new AdapterWork("c", 10, 1));

    TrainPlan plan = TrainPlan.assign(work, 2);

    assertThat(plan).isEqualTo(TrainPlan.assign(List.of(work.get(2), work.get(0), work.get(1)), 2));
    assertThat(plan.slots().get(0).adapters())
        .extracting(AdapterWork::adapterId)
        .containsExactly("a", "c");
  }

  @Test
  void rejectsBadInput() {
    assertThatThrownBy(() -> TrainPlan.assign(List.of(), 0))
        .hasMessage("Cannot plan for 0 slots: must be positive");
    assertThatThrownBy(
            () ->
                TrainPlan.assign(
                    List.of(new AdapterWork("a", 1, 1), new AdapterWork("a", 2, 1)), 2))
        .hasMessage("Cannot plan adapter a twice");
    assertThatThrownBy(() -> new AdapterWork("a", 1, 0))
        .hasMessage("Cannot use 0 epochs for adapter a: must be positive");
  }

  private static List<AdapterWork> randomWork(Random random, int count, int maxTokens) {
    List<AdapterWork> work = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      work.add(new AdapterWork("t" + i, 1 + random.nextInt(maxTokens), 1 + random.nextInt(3)));
    }
    return work;
  }

  private static long bruteForceMakespan(List<AdapterWork> work, int slots) {
    return search(work, 0, new long[slots]);
  }

  private static long search(List<AdapterWork> work, int next, long[] loads) {
    if (next == work.size()) {
      long max = 0;
      for (long load : loads) {
        max = Math.max(max, load);
      }
      return max;
    }
    long best = Long.MAX_VALUE;
    for (int slot = 0; slot < loads.length; slot++) {
      loads[slot] += work.get(next).work();
      best = Math.min(best, search(work, next + 1, loads));
      loads[slot] -= work.get(next).work();
    }
    return best;
  }
}
