/**
 * The trainer: decoder-only language models on DJL, the weights they load and the adapters they
 * train.
 *
 * <p>Sub-packages: {@code storage} reads model folders from a local path or a Hadoop FileSystem and
 * writes local folders atomically, {@code safetensors} reads and writes tensors in the Hugging Face
 * safetensors format, {@code model} parses {@code config.json}, runs the forward pass and makes
 * random base models, {@code lora} holds the adapters, {@code train} the training loop and
 * checkpoints, {@code peft} the adapter artifacts and merging. Here, beside two cross-cutting
 * helpers ({@link io.adapterforge.trainer.CounterRandom}, keyed random numbers, and {@link
 * io.adapterforge.trainer.NativeArrays}, arrays an autograd graph may safely keep), are the two
 * exception types that are the categories every trainer failure falls into: {@link
 * io.adapterforge.trainer.ModelLoadException} for inputs that cannot be read (files, headers,
 * configs, tensors) and {@link io.adapterforge.trainer.TrainingException} for failures while
 * computing or writing results.
 */
package io.adapterforge.trainer;
