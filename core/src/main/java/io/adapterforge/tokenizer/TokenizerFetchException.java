package io.adapterforge.tokenizer;

/**
 * A pinned tokenizer could not be fetched, verified or unpacked; the message says which and why.
 */
public class TokenizerFetchException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public TokenizerFetchException(String message) {
    super(message);
  }

  public TokenizerFetchException(String message, Throwable cause) {
    super(message, cause);
  }
}
