/**
 * LoRA adapters for the decoder-only models of {@code trainer.model}: {@link
 * io.adapterforge.trainer.lora.LoraSettings} (rank, alpha, dropout, target modules, rsLoRA), {@link
 * io.adapterforge.trainer.lora.LoraAdapter} (the A/B pairs of one adapter, initialized as PEFT
 * does, attached to and detached from a shared frozen model) and {@link
 * io.adapterforge.trainer.lora.LoraLayer} (one projection's {@code scale·B·A·dropout(x)}). Only the
 * LoRA weights carry gradients; the base model is never modified.
 */
package io.adapterforge.trainer.lora;
