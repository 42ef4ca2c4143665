package io.adapterforge.demo;

import ai.djl.ndarray.NDManager;
import io.adapterforge.trainer.model.ModelConfig;
import io.adapterforge.trainer.model.ModelType;
import io.adapterforge.trainer.model.RandomBaseModel;
import io.adapterforge.trainer.model.TokenizerFiles;
import java.nio.file.Path;
import java.util.List;

/**
 * What {@code adapterforge demo} runs on besides its corpus: a tiny random base model and the
 * config it needs. Stateless.
 */
public final class DemoSetup {
  /**
   * Config the demo sets before {@code --conf} and {@code --set} apply: Llama 2's built-in chat
   * template (the npm tokenizer has none), and training fit for a tiny random base model rather
   * than a real one: a high learning rate, LoRA of rank 16 on every projection, ten epochs.
   */
  public static final List<String> CONFIG =
      List.of(
          "prepare.chat-template=llama2-chat",
          "train.learning-rate=1e-2",
          "train.epochs=10",
          "train.lora.rank=16",
          "train.lora.alpha=32",
          "train.lora.target-modules=[q_proj,k_proj,v_proj,o_proj,gate_proj,up_proj,down_proj]");

  private DemoSetup() {}

  /**
   * Writes a tiny Llama (2 layers, hidden 64, 4 heads) with the tokenizer of {@code tokenizer} to
   * {@code output}. Its initializer range is 0.2, not transformers' 0.02: in so small a model the
   * larger weights let LoRA updates move the loss within a few epochs.
   */
  public static void writeBaseModel(Path tokenizer, long seed, Path output) {
    TokenizerFiles files = TokenizerFiles.read(tokenizer);
    ModelConfig model =
        RandomBaseModel.config(ModelType.LLAMA, files.vocabSize(), 64, 2, 4, 2, 128, 0, 0, null);
    try (NDManager manager = NDManager.newBaseManager()) {
      RandomBaseModel.write(model, seed, 0.2, files, output, manager);
    }
  }
}
