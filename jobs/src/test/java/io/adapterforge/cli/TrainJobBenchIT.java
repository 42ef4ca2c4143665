package io.adapterforge.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.adapterforge.testing.RealTokenizers;
import io.adapterforge.tokenizer.KnownTokenizer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./adapterforge bench train-job} end to end through the launcher: it prepares its tenants,
 * trains them on two slots of one local JVM that share one base model, and prints one JSON line.
 */
@Tag("bench") // a benchmark run (~1.5 min): excluded from the default verify, see jobs/pom.xml
class TrainJobBenchIT {
  private static final Path ROOT = Path.of(System.getProperty("adapterforge.root")).normalize();

  @TempDir Path temp;

  @Test
  void printsOneJsonLineWithTwoLocalSlotsOnOneModelLoad() throws Exception {
    Path log = temp.resolve("bench.log");
    ProcessBuilder builder =
        new ProcessBuilder(
                List.of(
                    ROOT.resolve("adapterforge").toString(),
                    "bench",
                    "train-job",
                    "--adapters",
                    "3",
                    "--slots",
                    "2",
                    "--threads-per-slot",
                    "1",
                    "--rows-per-adapter",
                    "12",
                    "--epochs",
                    "1",
                    "--tokenizer",
                    RealTokenizers.directory(KnownTokenizer.LLAMA2).toString(),
                    "--set",
                    "work-dir=" + temp))
            .directory(temp.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    builder.environment().put("ADAPTERFORGE_NO_BUILD", "1");
    Process process = builder.start();
    boolean finished = process.waitFor(4, TimeUnit.MINUTES);
    if (!finished) {
      process.destroyForcibly();
    }
    String output = Files.readString(log, StandardCharsets.UTF_8);
    assertThat(finished).as(output).isTrue();
    assertThat(process.exitValue()).as(output).isZero();

    List<String> lines =
        output.lines().filter(line -> line.startsWith("{\"benchmark\":\"train-job\"")).toList();
    assertThat(lines).as(output).hasSize(1);
    JsonNode result = new ObjectMapper().readTree(lines.get(0));
    assertThat(result.get("adapters").asInt()).isEqualTo(3);
    assertThat(result.get("slots").asInt()).isEqualTo(2);
    assertThat(result.get("failed").asInt()).isZero();
    assertThat(result.get("master").asText()).startsWith("local");
    assertThat(result.get("executors").asInt()).isEqualTo(1);
    assertThat(result.get("model_loads").asInt()).isEqualTo(1);
    double wall = result.get("wall_seconds").asDouble();
    assertThat(wall).isPositive();
    assertThat(result.get("adapters_per_hour").asDouble())
        .isCloseTo(3 * 3600 / wall, within(0.5 * 3600 / wall));
    assertThat(result.get("trained_tokens_per_second").asDouble()).isPositive();
    assertThat(output)
        .contains(
            "Local mode: 2 slots share one JVM and its base model, and train at the same time,"
                + " each on its own thread; libtorch threads per slot: 1");
  }
}
