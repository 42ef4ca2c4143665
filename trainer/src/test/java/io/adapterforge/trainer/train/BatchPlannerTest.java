package io.adapterforge.trainer.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BatchPlannerTest {
  private static final int[] LENGTHS = lengths(1000, 7);

  @Test
  void everyRowOnceAnEpochInBatchesOfTheGivenSize() {
    for (boolean grouped : new boolean[] {true, false}) {
      List<int[]> plan = BatchPlanner.plan(LENGTHS, 8, grouped, 42, 0);
      assertThat(plan).hasSize(BatchPlanner.batchesPerEpoch(1000, 8)).hasSize(125);
      assertThat(plan).allSatisfy(batch -> assertThat(batch).hasSize(8));
      List<Integer> rows = plan.stream().flatMapToInt(Arrays::stream).boxed().sorted().toList();
      assertThat(rows).isEqualTo(IntStream.range(0, 1000).boxed().collect(Collectors.toList()));
    }
    List<int[]> uneven = BatchPlanner.plan(Arrays.copyOf(LENGTHS, 13), 4, true, 42, 0);
    assertThat(uneven.stream().mapToInt(batch -> batch.length).sorted().toArray())
        .containsExactly(1, 4, 4, 4);
  }

  @Test
  void isAFunctionOfSeedAndEpoch() {
    assertThat(BatchPlanner.plan(LENGTHS, 8, true, 42, 3))
        .usingRecursiveComparison()
        .isEqualTo(BatchPlanner.plan(LENGTHS, 8, true, 42, 3));
    assertThat(flatten(BatchPlanner.plan(LENGTHS, 8, true, 42, 3)))
        .isNotEqualTo(flatten(BatchPlanner.plan(LENGTHS, 8, true, 42, 4)))
        .isNotEqualTo(flatten(BatchPlanner.plan(LENGTHS, 8, true, 43, 3)));
  }

  @Test
  void groupingByLengthCutsPadding() {
    long grouped = padding(BatchPlanner.plan(LENGTHS, 8, true, 42, 0));
    long shuffled = padding(BatchPlanner.plan(LENGTHS, 8, false, 42, 0));
    assertThat(grouped).isLessThan(shuffled / 5);
  }

  private static long padding(List<int[]> plan) {
    long padding = 0;
    for (int[] batch : plan) {
      int longest = Arrays.stream(batch).map(row -> LENGTHS[row]).max().orElseThrow();
      for (int row : batch) {
        padding += longest - LENGTHS[row];
      }
    }
    return padding;
  }

  private static List<Integer> flatten(List<int[]> plan) {
    List<Integer> rows = new ArrayList<>();
    plan.forEach(batch -> Arrays.stream(batch).forEach(rows::add));
    return rows;
  }

  private static int[] lengths(int count, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    return IntStream.range(0, count).map(i -> 10 + random.nextInt(500)).toArray();
  }
}
