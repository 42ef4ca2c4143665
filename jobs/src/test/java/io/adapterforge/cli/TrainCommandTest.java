package io.adapterforge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Usage errors of {@code train} and {@code bench train-job}: exit code 2, message naming the key.
 */
class TrainCommandTest {
  @Test
  void rejectsANonPositiveEpochCountBeforeStartingSpark() {
    AdapterforgeCliTest.Result result =
        AdapterforgeCliTest.run(
            "train", "--prepared", "p", "--base-model", "b", "--output", "o", "--epochs", "0");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("Cannot use train.epochs 0: must be positive");
  }

  @Test
  void rejectsARunIdThatIsNotAFolderName() {
    AdapterforgeCliTest.Result result =
        AdapterforgeCliTest.run(
            "train", "--prepared", "p", "--base-model", "b", "--output", "o", "--run-id", "../x");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err())
        .contains("Cannot use run id '../x': use letters, digits, '.', '_' and '-'");
  }

  @Test
  void requiresThePreparedDatasetAndTheBaseModel() {
    AdapterforgeCliTest.Result result = AdapterforgeCliTest.run("train", "--output", "o");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err())
        .contains("Missing required options: '--prepared=DIR', '--base-model=DIR'");
  }

  @Test
  void benchRejectsZeroSlots() {
    AdapterforgeCliTest.Result result =
        AdapterforgeCliTest.run("bench", "train-job", "--slots", "0", "--base-model", "/nowhere");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("Cannot benchmark with --adapters 8, --slots 0");
  }
}
