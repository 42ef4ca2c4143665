/**
 * The trainer: decoder-only language models on DJL, the weights they load and the adapters they
 * train.
 *
 * <p>Sub-packages: {@code storage} reads model folders from a local path or a Hadoop FileSystem,
 * {@code safetensors} reads and writes tensors in the Hugging Face safetensors format, {@code
 * model} parses {@code config.json} and runs the forward pass. The two exception types here are the
 * categories every trainer failure falls into: {@link io.adapterforge.trainer.ModelLoadException}
 * for inputs that cannot be read (files, headers, configs, tensors) and {@link
 * io.adapterforge.trainer.TrainingException} for failures while computing or writing results.
 */
package io.adapterforge.trainer;
