package io.adapterforge.cli;

import ai.djl.ndarray.NDManager;
import io.adapterforge.trainer.peft.LoraMerger;
import io.adapterforge.trainer.storage.StagingDirectory;
import io.adapterforge.trainer.storage.StorageDirectory;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code adapterforge merge}: a base model with a LoRA adapter folded into its weights. */
@Command(
    name = "merge",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {
      "Write a copy of --base-model whose adapted projection weights are W + scale * B * A"
          + " (PEFT's merge_and_unload), in their stored dtype; other tensors are copied byte for"
          + " byte, config.json and tokenizer files unchanged.",
      "--base-model and --adapter may be local folders or Hadoop FileSystem URIs; --output is a"
          + " new local folder that appears complete or not at all."
    })
final class MergeCommand implements Runnable {
  @Option(
      names = "--base-model",
      required = true,
      paramLabel = "DIR",
      description = "The Hugging Face model folder the adapter was trained on.")
  String baseModel;

  @Option(
      names = "--adapter",
      required = true,
      paramLabel = "DIR",
      description = "A PEFT LoRA folder (adapter_config.json, adapter_model.safetensors).")
  String adapter;

  @Option(
      names = "--output",
      required = true,
      paramLabel = "DIR",
      description = "The merged model folder; must not exist or be an empty folder.")
  Path output;

  @Spec CommandSpec spec;

  @Override
  public void run() {
    if (!StagingDirectory.isAbsentOrEmpty(output)) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "Cannot write --output " + output + ": it exists and is not an empty folder");
    }
    int merged;
    try (NDManager manager = NDManager.newBaseManager()) {
      merged =
          LoraMerger.merge(
              StorageDirectory.of(baseModel), StorageDirectory.of(adapter), output, manager);
    }
    PrintWriter out = spec.commandLine().getOut();
    out.printf("Merged %d LoRA projections of %s into %s%n", merged, adapter, output);
    out.flush();
  }
}
