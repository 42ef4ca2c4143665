package io.adapterforge.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bench train} on a tiny {@code make-base-model} Llama model. */
class BenchTrainCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path shared;

  private static Path base;

  @BeforeAll
  static void makeBaseModel() {
    base = shared.resolve("base");
    AdapterforgeCliTest.Result made =
        MakeBaseModelCommandTest.makeBaseModel("llama", "llama2", base);
    assertThat(made.exitCode()).as(made.err()).isZero();
  }

  @Test
  void printsOneLineOfTimingsBesideEagerPytorch() throws IOException, InterruptedException {
    assumeTrue(hasTorch(), "/usr/bin/python3 has no torch");

    JsonNode line = bench("--python", "/usr/bin/python3");

    assertThat(line.get("batch").asInt()).isEqualTo(2);
    assertThat(line.get("seq_len").asInt()).isEqualTo(16);
    assertThat(line.get("threads").asInt()).isEqualTo(1);
    double median = line.get("median_step_ms").asDouble();
    assertThat(median).isPositive();
    assertThat(line.get("tokens_per_s").asDouble()).isCloseTo(32 / (median / 1000), within(1e-6));
    assertThat(line.get("peak_rss_mb").asDouble()).isGreaterThan(10);
    // Random tokens over the 32000-token vocabulary: the loss starts near ln(32000).
    assertThat(line.get("loss").asDouble()).isCloseTo(Math.log(32000), within(1.0));
    double torch = line.get("torch_median_step_ms").asDouble();
    assertThat(torch).isPositive();
    assertThat(line.get("ratio_to_torch").asDouble()).isCloseTo(median / torch, within(1e-9));
  }

  @Test
  void saysWhyThereIsNoPytorchTiming() throws IOException {
    JsonNode line = bench("--python", shared.resolve("no-python").toString());

    assertThat(line.get("median_step_ms").asDouble()).isPositive();
    assertThat(line.get("torch_median_step_ms").isNull()).isTrue();
    assertThat(line.get("torch_error").asText()).isEqualTo("no " + shared.resolve("no-python"));
  }

  @Test
  void rejectsNonPositiveSizes() {
    AdapterforgeCliTest.Result result =
        AdapterforgeCliTest.run(
            "bench",
            "train",
            "--base-model",
            base.toString(),
            "--batch",
            "0",
            "--seq-len",
            "8",
            "--steps",
            "1",
            "--rank",
            "2");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("Cannot use --batch 0: must be positive");
  }

  private static JsonNode bench(String... extra) throws IOException {
    String[] args = {
      "bench",
      "train",
      "--base-model",
      base.toString(),
      "--batch",
      "2",
      "--seq-len",
      "16",
      "--steps",
      "2",
      "--rank",
      "4",
      "--threads",
      "1"
    };
    String[] all = new String[args.length + extra.length];
    System.arraycopy(args, 0, all, 0, args.length);
    System.arraycopy(extra, 0, all, args.length, extra.length);
    AdapterforgeCliTest.Result result = AdapterforgeCliTest.run(all);
    assertThat(result.exitCode()).as(result.err()).isZero();
    String[] lines = result.out().strip().split("\n");
    assertThat(lines).hasSize(1);
    return JSON.readTree(lines[0]);
  }

  private static boolean hasTorch() throws IOException, InterruptedException {
    if (!Path.of("/usr/bin/python3").toFile().canExecute()) {
      return false;
    }
    Process process =
        new ProcessBuilder("/usr/bin/python3", "-c", "import torch")
            .redirectErrorStream(true)
            .start();
    process.getInputStream().readAllBytes();
    return process.waitFor() == 0;
  }
}
