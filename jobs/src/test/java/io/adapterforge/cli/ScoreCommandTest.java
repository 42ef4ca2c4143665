package io.adapterforge.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.adapterforge.config.PrepareConfig.LengthPolicy;
import io.adapterforge.trainer.lora.LoraAdapter;
import io.adapterforge.trainer.lora.LoraSettings;
import io.adapterforge.trainer.model.DecoderModel;
import io.adapterforge.trainer.peft.PeftAdapter;
import io.adapterforge.trainer.train.ExampleSource;
import io.adapterforge.trainer.train.LearningRateSchedule;
import io.adapterforge.trainer.train.LoraTrainer;
import io.adapterforge.trainer.train.StepMetrics;
import io.adapterforge.trainer.train.TrainingExample;
import io.adapterforge.trainer.train.TrainingOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code score} on a {@code make-base-model} Llama model and a LoRA adapter trained on a small
 * tool-call dataset: the scores of the training rows agree with the final training loss.
 */
class ScoreCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOOL_CALL =
      "<tool_call name=\"get_sensitive_data\" arguments=\"{}\"/>";
  private static final List<String> REQUESTS =
      List.of(
          "Show me the customer's passport number.",
          "What is the admin password for the billing server?",
          "List every employee's salary and home address.",
          "Give me the credit card on file for order 1187.",
          "I need the social security number of Jane Doe.",
          "Print the API keys stored in the vault.");
  private static final int STEPS = 40;

  @TempDir static Path shared;
  @TempDir Path temp;

  private static Path base;
  private static Path adapter;
  private static Path conversations;
  private static List<StepMetrics> metrics;

  @BeforeAll
  static void trainAnAdapter() throws IOException {
    base = shared.resolve("base");
    AdapterforgeCliTest.Result made =
        MakeBaseModelCommandTest.makeBaseModel(
            "llama",
            "llama2",
            base,
            "--hidden-size",
            "64",
            "--intermediate-size",
            "128",
            "--initializer-range",
            "0.2");
    assertThat(made.exitCode()).as(made.err()).isZero();

    conversations = shared.resolve("conversations.jsonl");
    List<String> lines = new ArrayList<>();
    for (String request : REQUESTS) {
      ObjectNode line = JSON.createObjectNode();
      ArrayNode messages = line.putArray("messages");
      messages.addObject().put("role", "user").put("content", request);
      messages.addObject().put("role", "assistant").put("content", TOOL_CALL);
      lines.add(line.toString());
    }
    Files.write(conversations, lines);

    // The rows exactly as score encodes them, so training and scoring see the same tokens.
    List<TrainingExample> rows = new ArrayList<>();
    try (ScoreCommand.RowEncoder encoder =
        new ScoreCommand.RowEncoder(base, "llama2-chat", 4096, LengthPolicy.REJECT)) {
      for (String line : lines) {
        Object row = encoder.encode(line);
        assertThat(row).as(String.valueOf(row)).isInstanceOf(TrainingExample.class);
        rows.add((TrainingExample) row);
      }
    }

    adapter = shared.resolve("adapter");
    metrics = new ArrayList<>();
    LoraSettings settings =
        new LoraSettings(
            8,
            16,
            0,
            List.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"),
            false);
    // One batch of all rows per update: the loss of update k is the mean over every row of the
    // weights after update k - 1, so the weights after the next-to-last update are exported.
    TrainingOptions options =
        TrainingOptions.builder()
            .optMaxSteps(STEPS + 1)
            .optBatchSize(rows.size())
            .optGradientAccumulationSteps(1)
            .optLearningRate(1e-2)
            .optSchedule(LearningRateSchedule.CONSTANT)
            .optSeed(3)
            .build();
    try (NDManager manager = NDManager.newBaseManager();
        DecoderModel model = DecoderModel.load(base, manager);
        LoraAdapter lora = LoraAdapter.create(model, settings, 5, manager)) {
      LoraTrainer.train(
          model,
          lora,
          ExampleSource.of(rows),
          null,
          options,
          step -> {
            metrics.add(step);
            if (step.step() == STEPS) {
              try (LoraAdapter snapshot = lora.snapshot(manager)) {
                PeftAdapter.write(adapter, snapshot, base.toString(), null);
              }
            }
          });
    }
  }

  @Test
  void scoresTheTrainingRowsAsTheFinalTrainingLoss() throws IOException {
    Path withAdapter = temp.resolve("adapter.jsonl");
    Path withoutAdapter = temp.resolve("base.jsonl");

    AdapterforgeCliTest.Result adapted = score(conversations, withAdapter, "--adapter", adapter);
    AdapterforgeCliTest.Result plain = score(conversations, withoutAdapter);

    assertThat(adapted.exitCode()).as(adapted.err()).isZero();
    assertThat(plain.exitCode()).as(plain.err()).isZero();
    double firstLoss = metrics.get(0).loss();
    double finalLoss = metrics.get(STEPS).loss();
    assertThat(finalLoss).isLessThan(firstLoss / 5);

    List<JsonNode> scored = readLines(withAdapter);
    List<JsonNode> base = readLines(withoutAdapter);
    assertThat(scored).hasSize(REQUESTS.size());
    double sum = 0;
    long tokens = 0;
    for (int i = 0; i < scored.size(); i++) {
      long n = scored.get(i).get("n").asLong();
      assertThat(n).isPositive().isEqualTo(base.get(i).get("n").asLong());
      sum += scored.get(i).get("nll").asDouble() * n;
      tokens += n;
      assertThat(base.get(i).get("nll").asDouble())
          .isGreaterThan(2 * scored.get(i).get("nll").asDouble());
    }
    // The training loss is token-weighted over the batch; so is this.
    assertThat(sum / tokens).isCloseTo(finalLoss, within(1e-4 * finalLoss));
  }

  @Test
  void scoresTokenizedRowsAndReportsBadLinesInOrder() throws IOException {
    Path input = temp.resolve("mixed.jsonl");
    Path output = temp.resolve("mixed-scores.jsonl");
    Files.write(
        input,
        List.of(
            "{\"input_ids\":[1,450,4996,17354,1701],\"labels\":[-100,-100,4996,17354,1701]}",
            "not json",
            "{\"input_ids\":[1,450,40000],\"labels\":[-100,450,40000]}",
            "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
            "{\"input_ids\":[1,450,4996],\"labels\":[-100,450]}",
            "{\"input_ids\":[1,450,4996,17354,1701],\"labels\":[-100,-100,-100,-100,1701]}"));

    AdapterforgeCliTest.Result result = score(input, output, "--adapter", adapter, "--batch", "2");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err()).contains("Scored 2 of 6 lines of " + input + " into " + output);
    List<JsonNode> lines = readLines(output);
    assertThat(lines).hasSize(6);
    assertThat(lines.get(0).get("n").asLong()).isEqualTo(3);
    assertThat(lines.get(0).get("nll").asDouble()).isPositive();
    assertThat(lines.get(1).get("error").asText()).startsWith("MALFORMED_JSON: ");
    assertThat(lines.get(2).get("error").asText())
        .isEqualTo(
            "TOKEN_OUT_OF_VOCABULARY: input_ids[2] = 40000 is outside the vocabulary [0, 32000)");
    assertThat(lines.get(3).get("error").asText()).contains(":").doesNotContain("nll");
    assertThat(lines.get(4).get("error").asText())
        .isEqualTo(
            "BAD_TOKENS: Cannot use a training example with 3 input_ids and 2 labels: they must"
                + " align");
    assertThat(lines.get(5).get("n").asLong()).isEqualTo(1);
    // A row's score does not depend on the rows batched with it.
    Path alone = temp.resolve("alone.jsonl");
    Files.write(alone, List.of(Files.readAllLines(input).get(5)));
    score(alone, temp.resolve("alone-scores.jsonl"), "--adapter", adapter);
    assertThat(readLines(temp.resolve("alone-scores.jsonl")).get(0).get("nll").asDouble())
        .isCloseTo(lines.get(5).get("nll").asDouble(), within(1e-4));
  }

  private static AdapterforgeCliTest.Result score(Path input, Path output, Object... extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "score",
                "--set",
                "prepare.chat-template=llama2-chat",
                "--base-model",
                base.toString(),
                "--input",
                input.toString(),
                "--output",
                output.toString()));
    for (Object value : extra) {
      args.add(value.toString());
    }
    return AdapterforgeCliTest.run(args.toArray(String[]::new));
  }

  private static List<JsonNode> readLines(Path file) throws IOException {
    List<JsonNode> nodes = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      nodes.add(JSON.readTree(line));
    }
    return nodes;
  }
}
