package io.adapterforge.config;

import static io.adapterforge.config.InvalidConfigException.check;
import static java.util.Objects.requireNonNull;

import java.io.Serializable;
import java.util.Locale;

/**
 * {@code prepare.*}: how raw corpora become the prepared dataset. Serializable: jobs pass it to
 * executors.
 *
 * @param adapterField JSON field naming a row's adapter ({@code prepare.adapter-field}, default
 *     {@code adapter}); rows without it take the folder under the input root
 * @param maxSeqLength tokens per example ({@code prepare.max-seq-length}, default 4096)
 * @param lengthPolicy what happens to longer rows ({@code prepare.length-policy}, default reject)
 * @param partitions partitions for rendering and tokenization, 0 = those of the dedup shuffle
 *     ({@code prepare.partitions})
 * @param chatTemplate a template file or built-in name used when the tokenizer has none; empty =
 *     the tokenizer's own ({@code prepare.chat-template})
 * @param systemPrompt system prompt for conversations without one; empty = none ({@code
 *     prepare.system-prompt})
 * @param clean cleaning steps ({@code prepare.clean.*})
 * @param nearDedup near-duplicate removal ({@code prepare.dedup.near.*})
 * @param split split fractions ({@code prepare.split.*})
 */
public record PrepareConfig(
    String adapterField,
    int maxSeqLength,
    LengthPolicy lengthPolicy,
    int partitions,
    String chatTemplate,
    String systemPrompt,
    Clean clean,
    NearDedup nearDedup,
    Split split)
    implements Serializable {

  /** What to do with a row longer than {@code prepare.max-seq-length}. */
  public enum LengthPolicy {
    REJECT,
    TRUNCATE
  }

  public PrepareConfig {
    requireNonNull(adapterField, "adapterField is null");
    requireNonNull(lengthPolicy, "lengthPolicy is null");
    requireNonNull(chatTemplate, "chatTemplate is null");
    requireNonNull(systemPrompt, "systemPrompt is null");
    requireNonNull(clean, "clean is null");
    requireNonNull(nearDedup, "nearDedup is null");
    requireNonNull(split, "split is null");
    check(!adapterField.isBlank(), "prepare.adapter-field", "''", "must name a JSON field");
    check(maxSeqLength >= 2, "prepare.max-seq-length", maxSeqLength, "must be at least 2");
    check(partitions >= 0, "prepare.partitions", partitions, "must not be negative");
  }

  /**
   * {@code prepare.clean.*}: each cleaning step, on or off (all default on).
   *
   * @param unicodeNfc Unicode NFC normalization
   * @param controlChars remove control characters other than newline and tab
   * @param lineEndings turn CR LF and CR into LF
   * @param trim remove whitespace around each message's content
   */
  public record Clean(boolean unicodeNfc, boolean controlChars, boolean lineEndings, boolean trim)
      implements Serializable {}

  /**
   * {@code prepare.dedup.near.*}: near-duplicate removal by MinHash LSH.
   *
   * @param enabled off by default
   * @param threshold Jaccard similarity at or above which rows are near-duplicates, in (0, 1]
   * @param shingleSize words per shingle
   * @param hashTables MinHash hash tables (more: better recall, slower)
   */
  public record NearDedup(boolean enabled, double threshold, int shingleSize, int hashTables)
      implements Serializable {
    public NearDedup {
      check(
          threshold > 0 && threshold <= 1,
          "prepare.dedup.near.threshold",
          threshold,
          "must be in (0, 1]");
      check(shingleSize >= 1, "prepare.dedup.near.shingle-size", shingleSize, "must be positive");
      check(hashTables >= 1, "prepare.dedup.near.hash-tables", hashTables, "must be positive");
    }
  }

  /**
   * {@code prepare.split.*}: split fractions; train takes {@code 1 - validation - test}.
   *
   * @param validation fraction of rows for validation, default 0.05
   * @param test fraction of rows for test, default 0.05
   * @param minRowsForTest adapters with at least this many rows get one test row, default 20
   */
  public record Split(double validation, double test, int minRowsForTest) implements Serializable {
    public Split {
      check(
          validation >= 0 && validation < 1,
          "prepare.split.validation",
          validation,
          "must be in [0, 1)");
      check(test >= 0 && test < 1, "prepare.split.test", test, "must be in [0, 1)");
      check(
          validation + test < 1,
          "prepare.split.test",
          test,
          "validation + test must leave rows for train (validation is " + validation + ")");
      check(
          minRowsForTest >= 1,
          "prepare.split.min-rows-for-test",
          minRowsForTest,
          "must be positive");
    }
  }

  static PrepareConfig from(ConfigReader reader) {
    String policy = reader.string("prepare.length-policy");
    LengthPolicy lengthPolicy;
    try {
      lengthPolicy = LengthPolicy.valueOf(policy.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigException(
          "prepare.length-policy",
          "Cannot use prepare.length-policy " + policy + ": must be reject or truncate");
    }
    return new PrepareConfig(
        reader.string("prepare.adapter-field"),
        reader.integer("prepare.max-seq-length"),
        lengthPolicy,
        reader.integer("prepare.partitions"),
        reader.string("prepare.chat-template"),
        reader.string("prepare.system-prompt"),
        new Clean(
            reader.bool("prepare.clean.unicode-nfc"),
            reader.bool("prepare.clean.control-chars"),
            reader.bool("prepare.clean.line-endings"),
            reader.bool("prepare.clean.trim")),
        new NearDedup(
            reader.bool("prepare.dedup.near.enabled"),
            reader.number("prepare.dedup.near.threshold"),
            reader.integer("prepare.dedup.near.shingle-size"),
            reader.integer("prepare.dedup.near.hash-tables")),
        new Split(
            reader.number("prepare.split.validation"),
            reader.number("prepare.split.test"),
            reader.integer("prepare.split.min-rows-for-test")));
  }
}
