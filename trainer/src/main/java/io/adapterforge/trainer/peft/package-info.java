/**
 * Adapters in the PEFT layout that PEFT, vLLM and LoRAX load: {@link
 * io.adapterforge.trainer.peft.PeftAdapter} writes and reads {@code adapter_config.json} ({@link
 * io.adapterforge.trainer.peft.PeftAdapterConfig}), {@code adapter_model.safetensors} and {@code
 * metrics.json}; {@link io.adapterforge.trainer.peft.LoraMerger} folds an adapter into a copy of
 * its base model.
 */
package io.adapterforge.trainer.peft;
