/**
 * The LoRA training loop: rows from an {@link io.adapterforge.trainer.train.ExampleSource}, Hugging
 * Face's causal-LM loss ({@link io.adapterforge.trainer.train.CausalLmLoss}), AdamW ({@link
 * io.adapterforge.trainer.train.AdamW}) with warmup and decay ({@link
 * io.adapterforge.trainer.train.LearningRateSchedule}), gradient accumulation, global-norm
 * clipping, length-grouped batches, validation with early stopping, and atomic checkpoints ({@link
 * io.adapterforge.trainer.train.TrainingCheckpoint}) that a run resumes from exactly. {@link
 * io.adapterforge.trainer.train.LoraTrainer} is the entry point; the Python script {@code
 * src/test/python/make_reference_training.py} is its independent numerical reference. Runs on one
 * shared model may overlap, each on its own thread with its own adapter, gradients and libtorch
 * thread count ({@link io.adapterforge.trainer.train.TorchThreads}).
 */
package io.adapterforge.trainer.train;
