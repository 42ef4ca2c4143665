/**
 * Decoder-only language models of the Hugging Face families the trainer supports ({@code llama},
 * {@code mistral}, {@code qwen2}, {@code qwen3}, {@code gemma3_text}), built from a model folder
 * and run on DJL arrays.
 *
 * <p>{@link io.adapterforge.trainer.model.ModelConfig} is the typed form of {@code config.json};
 * {@link io.adapterforge.trainer.model.DecoderModel} loads the weights under their Hugging Face
 * names and computes logits. Every linear map of a decoder layer is a {@link
 * io.adapterforge.trainer.model.Projection} with frozen weights and an optional {@link
 * io.adapterforge.trainer.model.ProjectionAdapter}, the place where LoRA attaches. The forward pass
 * follows transformers' modeling code (eager attention) formula by formula; the tests compare it
 * with an independent PyTorch reference ({@code src/test/python/make_reference_models.py}).
 */
package io.adapterforge.trainer.model;
