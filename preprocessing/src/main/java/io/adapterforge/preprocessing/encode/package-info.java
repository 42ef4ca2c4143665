/**
 * Rendering, tokenization and loss masking: each conversation rendered with the base model's own
 * chat template, tokenized by DJL's Hugging Face tokenizer (no truncation, no padding, no added
 * special tokens: the template writes them), and labelled so that exactly the assistant tokens and
 * the tokens closing their turns are trained.
 */
package io.adapterforge.preprocessing.encode;
