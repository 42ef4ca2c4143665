package io.adapterforge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.adapterforge.config.AdapterforgeConfig;
import io.adapterforge.jobs.TrainJob;
import io.adapterforge.train.AdapterSpec;
import io.adapterforge.train.TrainSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code train} and {@code bench train-job}: usage errors (exit code 2, message naming the key),
 * and the job request built from config, options and per-adapter overrides (no Spark needed).
 */
class TrainCommandTest {
  @TempDir Path temp;

  @Test
  void rejectsANonPositiveEpochCountBeforeStartingSpark() {
    AdapterforgeCliTest.Result result =
        AdapterforgeCliTest.run(
            "train", "--prepared", "p", "--base-model", "b", "--output", "o", "--epochs", "0");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("Cannot use train.epochs 0: must be positive");
  }

  @Test
  void rejectsABadOptionNamingTheKeyAndTheOption() {
    AdapterforgeCliTest.Result result =
        AdapterforgeCliTest.run(
            "train", "--prepared", "p", "--base-model", "b", "--output", "o", "--slots", "-1");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err())
        .contains(
            "Cannot use train.slots -1: must not be negative (0 = one per task slot) (set in"
                + " --slots)");
  }

  @Test
  void rejectsABadConfigValueNamingItsOrigin() {
    AdapterforgeCliTest.Result result =
        AdapterforgeCliTest.run(
            "train",
            "--prepared",
            "p",
            "--base-model",
            "b",
            "--output",
            "o",
            "--set",
            "adapters.a1.lora.rank=0");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err())
        .contains(
            "Cannot use adapters.a1.lora.rank 0: must be positive (set in --set"
                + " adapters.a1.lora.rank=0)");
  }

  @Test
  void settingsComeFromConfigWithOptionsOverIt() throws IOException {
    Path conf = temp.resolve("train.conf");
    Files.writeString(conf, "train { epochs = 4, batch-size = 2, seed = 9 }\n");
    TrainCommand command =
        parse(
            "--prepared",
            "p",
            "--base-model",
            "b",
            "--output",
            "o",
            "--conf",
            conf.toString(),
            "--set",
            "train.learning-rate=1e-3",
            "--epochs",
            "6");

    TrainSettings settings = command.request(command.options.load()).settings();

    assertThat(settings.epochs()).isEqualTo(6);
    assertThat(settings.batchSize()).isEqualTo(2);
    assertThat(settings.seed()).isEqualTo(9);
    assertThat(settings.learningRate()).isEqualTo(1e-3);
    assertThat(settings.checkpointEvery()).isEqualTo(50);
  }

  @Test
  void withoutOptionsTheSettingsAreTheDefaultsOfTheConfig() {
    TrainCommand command = parse("--prepared", "p", "--base-model", "b", "--output", "o");
    AdapterforgeConfig config = command.options.load();

    TrainJob.Request request = command.request(config);

    assertThat(request.settings()).isEqualTo(TrainSettings.from(config.train()));
    assertThat(request.settings()).isEqualTo(TrainSettings.defaults(config.train().lora()));
    assertThat(request.overrides()).isEmpty();
  }

  @Test
  void passesEachAdaptersOverridesToTheJob() {
    TrainCommand command =
        parse(
            "--prepared",
            "p",
            "--base-model",
            "b",
            "--output",
            "o",
            "--set",
            "adapters.support-ru.lora.rank=16",
            "--set",
            "adapters.support-ru.lora.target-modules=[q_proj, v_proj]",
            "--set",
            "adapters.support-ru.epochs=5",
            "--set",
            "adapters.\"legal.de\".learning-rate=1e-3",
            "--set",
            "adapters.\"legal.de\".lora.alpha=4",
            "--epochs",
            "2");

    TrainJob.Request request = command.request(command.options.load());

    assertThat(request.overrides()).containsOnlyKeys("support-ru", "legal.de");
    AdapterSpec supportRu = request.overrides().get("support-ru");
    assertThat(supportRu.loraRank()).isEqualTo(16);
    assertThat(supportRu.targetModules()).containsExactly("q_proj", "v_proj");
    assertThat(supportRu.epochs()).isEqualTo(5);
    assertThat(supportRu.loraAlpha()).isEqualTo(16);
    assertThat(supportRu.learningRate()).isEqualTo(2e-4);
    AdapterSpec legal = request.overrides().get("legal.de");
    assertThat(legal)
        .isEqualTo(
            new AdapterSpec(
                "legal.de", 8, 4, 0.05, List.of("q_proj", "k_proj", "v_proj", "o_proj"), 1e-3, 2));
  }

  @Test
  void helpNamesTheKeyEachOptionOverrides() {
    AdapterforgeCliTest.Result result = AdapterforgeCliTest.run("train", "--help");

    assertThat(result.exitCode()).isZero();
    assertThat(result.out())
        .contains("(overrides train.learning-rate,")
        .contains("Epochs (overrides train.epochs, default 3).")
        .contains("Seed (overrides train.seed, default 42).")
        .doesNotContain("future train.");
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

  private static TrainCommand parse(String... args) {
    TrainCommand command = new TrainCommand();
    new CommandLine(command).parseArgs(args);
    return command;
  }

  @Test
  void benchRejectsZeroSlots() {
    AdapterforgeCliTest.Result result =
        AdapterforgeCliTest.run("bench", "train-job", "--slots", "0", "--base-model", "/nowhere");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("Cannot benchmark with --adapters 8, --slots 0");
  }
}
