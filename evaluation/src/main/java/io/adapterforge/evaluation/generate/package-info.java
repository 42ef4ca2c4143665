/**
 * Generation of assistant replies for evaluation, without Spark: {@link
 * io.adapterforge.evaluation.generate.GreedyGenerator} decodes greedily with a KV cache on a loaded
 * {@link io.adapterforge.trainer.model.DecoderModel}, and returns a {@link
 * io.adapterforge.evaluation.generate.Generation}.
 *
 * <p>Adapters are swapped by the caller, on one loaded base model: attach a {@link
 * io.adapterforge.trainer.lora.LoraAdapter} (for instance one read by {@link
 * io.adapterforge.trainer.peft.PeftAdapter#load}), generate, close the attachment, attach the next.
 */
package io.adapterforge.evaluation.generate;
