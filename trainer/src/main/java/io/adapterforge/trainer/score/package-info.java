/**
 * Scoring rows with a frozen model, with or without a LoRA adapter attached: the mean negative
 * log-likelihood of each row's trained tokens, as the training loss counts them. Used by {@code
 * adapterforge score}.
 */
package io.adapterforge.trainer.score;
