package io.adapterforge.cli;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.adapterforge.config.PrepareConfig;
import io.adapterforge.config.PrepareConfig.LengthPolicy;
import io.adapterforge.preprocessing.encode.ConversationEncoder;
import io.adapterforge.preprocessing.encode.EncodedRow;
import io.adapterforge.preprocessing.encode.EncodingSpec;
import io.adapterforge.preprocessing.encode.SpecialTokenSet;
import io.adapterforge.preprocessing.encode.TokenizerCache;
import io.adapterforge.preprocessing.parse.ConversationParser;
import io.adapterforge.preprocessing.parse.ParsedLine;
import io.adapterforge.preprocessing.template.ChatTemplates;
import io.adapterforge.preprocessing.template.TemplateLimits;
import io.adapterforge.trainer.lora.LoraAdapter;
import io.adapterforge.trainer.model.DecoderModel;
import io.adapterforge.trainer.peft.PeftAdapter;
import io.adapterforge.trainer.score.RowScore;
import io.adapterforge.trainer.score.Scorer;
import io.adapterforge.trainer.storage.StorageDirectory;
import io.adapterforge.trainer.train.TrainingExample;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code adapterforge score}: the mean NLL of each row's trained tokens, base or base + adapter.
 */
@Command(
    name = "score",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {
      "Score each line of --input on --base-model (with --adapter attached, if given) and write"
          + " one line per input line, in order, to --output: {\"nll\": mean NLL over the trained"
          + " tokens, \"n\": trained-token count}, or {\"error\": \"REASON: detail\"}.",
      "An input line is a chat conversation in any format prepare accepts (rendered and masked"
          + " with the base model folder's tokenizer and chat template, as prepare does), or"
          + " {\"input_ids\": […], \"labels\": […]} with -100 for untrained tokens. The prepare"
          + " settings apply: prepare.chat-template (for tokenizers without a template, e.g."
          + " --set prepare.chat-template=llama2-chat), prepare.max-seq-length and"
          + " prepare.length-policy.",
      "Exits 1 after writing every line if any line could not be scored."
    })
final class ScoreCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The adapter id the parser is given; conversations need one, scoring ignores it. */
  private static final String ADAPTER_ID = "score";

  @Option(
      names = "--base-model",
      required = true,
      paramLabel = "DIR",
      description = "A Hugging Face model folder (local path or Hadoop FileSystem URI).")
  String baseModel;

  @Option(
      names = "--adapter",
      paramLabel = "DIR",
      description = "A PEFT LoRA folder to attach (default: score the base model alone).")
  String adapter;

  @Option(names = "--input", required = true, paramLabel = "FILE.jsonl", description = "Rows.")
  Path input;

  @Option(
      names = "--output",
      required = true,
      paramLabel = "FILE.jsonl",
      description = "One JSON line per input line.")
  Path output;

  @Option(
      names = "--batch",
      defaultValue = "" + Scorer.DEFAULT_BATCH_SIZE,
      paramLabel = "N",
      description = "Rows per forward pass (default ${DEFAULT-VALUE}).")
  int batch;

  @Mixin ConfigOptions options;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    if (batch < 1) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "Cannot use --batch " + batch + ": must be positive");
    }
    if (!Files.isRegularFile(input)) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "Cannot read --input " + input + ": no such file");
    }
    PrepareConfig prepare = options.load().prepare();
    long lines = 0;
    long failed = 0;
    try (NDManager manager = NDManager.newBaseManager();
        DecoderModel model = DecoderModel.load(StorageDirectory.of(baseModel), manager);
        LoraAdapter lora =
            adapter == null
                ? null
                : PeftAdapter.load(StorageDirectory.of(adapter), model, manager);
        LoraAdapter.Attachment attached = lora == null ? null : lora.attach(model);
        RowEncoder encoder =
            new RowEncoder(
                Path.of(baseModel),
                prepare.chatTemplate(),
                prepare.maxSeqLength(),
                prepare.lengthPolicy());
        BufferedReader reader = Files.newBufferedReader(input, StandardCharsets.UTF_8);
        BufferedWriter writer = Files.newBufferedWriter(output, StandardCharsets.UTF_8)) {
      Scorer scorer = new Scorer(model, batch, manager);
      // Rows are read, scored and written a few at a time so memory stays bounded.
      List<Object> pending = new ArrayList<>();
      String line;
      while ((line = reader.readLine()) != null) {
        lines++;
        pending.add(encoder.encode(line));
        if (pending.size() == batch) {
          failed += flush(scorer, pending, writer);
        }
      }
      failed += flush(scorer, pending, writer);
    }
    var err = spec.commandLine().getErr();
    err.printf("Scored %d of %d lines of %s into %s%n", lines - failed, lines, input, output);
    err.flush();
    return failed == 0 ? 0 : 1;
  }

  /** Scores and writes {@code pending} (examples or error strings), clears it; returns failures. */
  private static long flush(Scorer scorer, List<Object> pending, BufferedWriter writer)
      throws IOException {
    List<TrainingExample> examples = new ArrayList<>();
    for (Object row : pending) {
      if (row instanceof TrainingExample example) {
        examples.add(example);
      }
    }
    List<RowScore> scores = scorer.score(examples);
    long failed = 0;
    int next = 0;
    for (Object row : pending) {
      ObjectNode out = JSON.createObjectNode();
      String error = row instanceof String message ? message : null;
      if (error == null) {
        RowScore score = scores.get(next++);
        if (score.isError()) {
          error = score.error();
        } else {
          out.put("nll", score.loss().mean());
          out.put("n", score.loss().count());
        }
      }
      if (error != null) {
        out.put("error", error);
        failed++;
      }
      writer.write(out.toString());
      writer.newLine();
    }
    writer.flush();
    pending.clear();
    return failed;
  }

  /**
   * Turns an input line into a {@link TrainingExample}, or an error string {@code REASON: detail}.
   * The tokenizer and chat template are loaded on the first conversation line, as the prepare stage
   * loads them.
   */
  static final class RowEncoder implements AutoCloseable {
    private final Path modelFolder;
    private final String chatTemplate;
    private final int maxSeqLength;
    private final LengthPolicy lengthPolicy;
    private final ConversationParser parser = new ConversationParser("adapter");
    private HuggingFaceTokenizer tokenizer;
    private ConversationEncoder encoder;

    /**
     * @param chatTemplate {@code prepare.chat-template}: empty for the folder's own template, a
     *     template file, or {@code llama2-chat}
     */
    RowEncoder(Path modelFolder, String chatTemplate, int maxSeqLength, LengthPolicy lengthPolicy) {
      this.modelFolder = modelFolder;
      this.chatTemplate = chatTemplate;
      this.maxSeqLength = maxSeqLength;
      this.lengthPolicy = lengthPolicy;
    }

    Object encode(String line) {
      JsonNode root;
      try {
        root = JSON.readTree(line);
      } catch (JsonProcessingException e) {
        return "MALFORMED_JSON: " + e.getOriginalMessage();
      }
      if (root != null && root.isObject() && root.has("input_ids")) {
        return tokenized(root);
      }
      ParsedLine parsed = parser.parse(line, ADAPTER_ID);
      if (parsed.isReject()) {
        return parsed.reason() + ": " + parsed.detail();
      }
      EncodedRow row =
          conversationEncoder()
              .encode(ConversationParser.normalizedJson(parsed.messages(), parsed.tools()), null);
      if (row.isReject()) {
        return row.reason() + ": " + row.detail();
      }
      return new TrainingExample(row.inputIds(), row.labels());
    }

    private static Object tokenized(JsonNode root) {
      JsonNode ids = root.get("input_ids");
      JsonNode labels = root.get("labels");
      if (!ids.isArray() || labels == null || !labels.isArray()) {
        return "BAD_TOKENS: input_ids and labels must both be arrays of integers";
      }
      int[] idValues = new int[ids.size()];
      int[] labelValues = new int[labels.size()];
      for (int i = 0; i < idValues.length; i++) {
        if (!ids.get(i).canConvertToInt()) {
          return "BAD_TOKENS: input_ids[" + i + "] is " + ids.get(i) + ", not an integer";
        }
        idValues[i] = ids.get(i).asInt();
      }
      for (int i = 0; i < labelValues.length; i++) {
        if (!labels.get(i).canConvertToInt()) {
          return "BAD_TOKENS: labels[" + i + "] is " + labels.get(i) + ", not an integer";
        }
        labelValues[i] = labels.get(i).asInt();
      }
      try {
        return new TrainingExample(idValues, labelValues);
      } catch (IllegalArgumentException e) {
        return "BAD_TOKENS: " + e.getMessage();
      }
    }

    private ConversationEncoder conversationEncoder() {
      if (encoder == null) {
        Path dir = modelFolder;
        String source = EncodingSpec.templateSource(dir, chatTemplate);
        try (InputStream in = Files.newInputStream(dir.resolve("tokenizer.json"))) {
          tokenizer = TokenizerCache.load(dir);
          encoder =
              new ConversationEncoder(
                  tokenizer,
                  ChatTemplates.withTemplate(dir, source, TemplateLimits.DEFAULT),
                  SpecialTokenSet.read(in),
                  maxSeqLength,
                  lengthPolicy);
        } catch (IOException e) {
          throw new UncheckedIOException(
              "Cannot load the tokenizer of --base-model " + modelFolder, e);
        }
      }
      return encoder;
    }

    @Override
    public void close() {
      if (tokenizer != null) {
        tokenizer.close();
      }
    }
  }
}
