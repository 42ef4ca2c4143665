package io.adapterforge.preprocessing.encode;

import static java.util.Objects.requireNonNull;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import ai.djl.huggingface.tokenizers.jni.TokenizersLibrary;

/**
 * What masking needs of a tokenized text: the token ids and each token's code-point span (null for
 * a special token added by a post-processor), as DJL's {@code Encoding} gives them.
 *
 * <p>{@link #of} asks DJL's native tokenizer for these two arrays only. {@code
 * HuggingFaceTokenizer.encode} also copies out the tokens' strings (a Java string per token), type,
 * word and sequence ids, attention and special-token masks, and took 11–18% longer on bench
 * prepare's Gemma 3 texts (one thread, the two calls interleaved). Use it only with tokenizers from
 * {@link TokenizerCache}, which leave the text as it is before encoding (no added prefix space,
 * lower-casing or accent stripping, which DJL applies in Java); tests hold the two ways equal on
 * the real tokenizers.
 */
public final class TokenizedText {
  private final long[] ids;
  private final CharSpan[] spans;

  private TokenizedText(long[] ids, CharSpan[] spans) {
    this.ids = ids;
    this.spans = spans;
  }

  /** Encodes a text without adding special tokens (the chat template has written them). */
  public static TokenizedText of(HuggingFaceTokenizer tokenizer, String text) {
    requireNonNull(text, "text is null");
    TokenizersLibrary library = TokenizersLibrary.LIB;
    long encoding = library.encode(tokenizer.getHandle(), text, false);
    try {
      return new TokenizedText(library.getTokenIds(encoding), library.getTokenCharSpans(encoding));
    } finally {
      library.deleteEncoding(encoding);
    }
  }

  /** The token ids, in order. */
  public long[] ids() {
    return ids;
  }

  /** Each token's [start, end) in code points of the text; null for an added special token. */
  public CharSpan[] spans() {
    return spans;
  }
}
