package io.adapterforge.cli;

import ai.djl.ndarray.NDManager;
import io.adapterforge.config.AdapterforgeConfig;
import io.adapterforge.trainer.ModelLoadException;
import io.adapterforge.trainer.model.ModelConfig;
import io.adapterforge.trainer.model.ModelType;
import io.adapterforge.trainer.model.RandomBaseModel;
import io.adapterforge.trainer.model.TokenizerFiles;
import io.adapterforge.trainer.storage.StagingDirectory;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code adapterforge make-base-model}: a Hugging Face model folder with random weights, the small
 * base model that tests and the demo train on.
 */
@Command(
    name = "make-base-model",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {
      "Write a Hugging Face model folder with random weights (normal, std 0.02, as transformers'"
          + " _init_weights): config.json with transformers' field names, model.safetensors"
          + " (float32) and the tokenizer files.",
      "vocab_size and the bos/eos/pad token ids come from the tokenizer; other fields take the"
          + " defaults of the family's transformers config. The folder appears complete or not at"
          + " all; --output must not exist or be an empty folder."
    })
final class MakeBaseModelCommand implements Runnable {
  @Option(
      names = "--arch",
      required = true,
      paramLabel = "TYPE",
      description = "model_type: llama, qwen3 or gemma3_text (also qwen2, mistral).")
  String arch;

  @Option(
      names = "--tokenizer",
      required = true,
      paramLabel = "NAME|DIR",
      description =
          "A pinned tokenizer (gemma3, qwen3, llama3_1, llama2; fetched into tokenizers.cache-dir"
              + " when missing) or a folder with tokenizer.json and tokenizer_config.json.")
  String tokenizer;

  @Option(names = "--hidden-size", required = true, paramLabel = "H", description = "hidden_size")
  int hiddenSize;

  @Option(names = "--layers", required = true, paramLabel = "L", description = "num_hidden_layers")
  int layers;

  @Option(names = "--heads", required = true, paramLabel = "A", description = "num_attention_heads")
  int heads;

  @Option(
      names = "--kv-heads",
      required = true,
      paramLabel = "K",
      description = "num_key_value_heads (divides --heads)")
  int kvHeads;

  @Option(
      names = "--intermediate-size",
      required = true,
      paramLabel = "I",
      description = "intermediate_size, the MLP width")
  int intermediateSize;

  @Option(names = "--seed", required = true, paramLabel = "S", description = "Seed of the weights.")
  long seed;

  @Option(names = "--output", required = true, paramLabel = "DIR", description = "The new folder.")
  Path output;

  @Option(
      names = "--head-dim",
      paramLabel = "D",
      description = "head_dim (default: hidden size / heads)")
  int headDim;

  @Option(
      names = "--max-position-embeddings",
      paramLabel = "N",
      description = "max_position_embeddings (default: the family's)")
  int maxPositionEmbeddings;

  @Option(
      names = "--tie-word-embeddings",
      negatable = true,
      description = "Share the embedding matrix with the LM head (default: yes for gemma3_text).")
  Boolean tieWordEmbeddings;

  @Option(
      names = "--initializer-range",
      paramLabel = "STD",
      description =
          "Standard deviation of linear and embedding weights (default: ${DEFAULT-VALUE}, as"
              + " transformers). LoRA can move a logit by at most about hidden size x STD, so a"
              + " model meant to be trained to low loss needs hidden size x STD of 10 or more.")
  double initializerRange = RandomBaseModel.DEFAULT_INITIALIZER_RANGE;

  @Mixin ConfigOptions options;

  @Spec CommandSpec spec;

  @Override
  public void run() {
    ModelType type =
        ModelType.fromConfigName(arch)
            .orElseThrow(
                () ->
                    usage(
                        "Cannot use --arch "
                            + arch
                            + ": must be one of "
                            + ModelType.supportedNames()));
    if (!(initializerRange > 0) || !Double.isFinite(initializerRange)) {
      throw usage("Cannot use --initializer-range " + initializerRange + ": must be positive");
    }
    if (!StagingDirectory.isAbsentOrEmpty(output)) {
      throw usage("Cannot write --output " + output + ": it exists and is not an empty folder");
    }
    AdapterforgeConfig config = options.load();
    TokenizerFiles tokenizerFiles = TokenizerFiles.read(tokenizerDirectory(config));
    ModelConfig modelConfig;
    try {
      modelConfig =
          RandomBaseModel.config(
              type,
              tokenizerFiles.vocabSize(),
              hiddenSize,
              layers,
              heads,
              kvHeads,
              intermediateSize,
              headDim,
              maxPositionEmbeddings,
              tieWordEmbeddings);
    } catch (ModelLoadException e) {
      throw usage(e.getMessage());
    }
    try (NDManager manager = NDManager.newBaseManager()) {
      RandomBaseModel.write(modelConfig, seed, initializerRange, tokenizerFiles, output, manager);
    }
    PrintWriter out = spec.commandLine().getOut();
    out.printf(
        "Wrote %s: %s, %d layers, hidden %d, %d/%d heads of %d, intermediate %d, vocab %d%n",
        output,
        type.configName(),
        modelConfig.numHiddenLayers(),
        modelConfig.hiddenSize(),
        modelConfig.numAttentionHeads(),
        modelConfig.numKeyValueHeads(),
        modelConfig.headDim(),
        modelConfig.intermediateSize(),
        modelConfig.vocabSize());
    out.flush();
  }

  /** --tokenizer as a folder, else as a pinned tokenizer fetched into the cache when missing. */
  private Path tokenizerDirectory(AdapterforgeConfig config) {
    PrintWriter err = spec.commandLine().getErr();
    try {
      return TokenizerSource.directory(tokenizer, config, Lines.to(err));
    } catch (IllegalArgumentException e) {
      throw usage(e.getMessage());
    }
  }

  private CommandLine.ParameterException usage(String message) {
    return new CommandLine.ParameterException(spec.commandLine(), message);
  }
}
