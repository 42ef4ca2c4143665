package io.adapterforge.preprocessing.encode;

import static java.util.Objects.requireNonNull;

import io.adapterforge.config.InvalidConfigException;
import io.adapterforge.config.PrepareConfig;
import io.adapterforge.config.PrepareConfig.LengthPolicy;
import io.adapterforge.preprocessing.template.ChatTemplates;
import io.adapterforge.preprocessing.template.TemplateException;
import io.adapterforge.preprocessing.template.TemplateLimits;
import io.adapterforge.preprocessing.template.TokenizerChatTemplate;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Everything executors need to encode conversations, serializable: the tokenizer (its JSON bytes
 * broadcast once, or read from the driver's file under a local master; loaded once per executor
 * JVM), the compiled chat template with its special tokens, the special token set for masking, the
 * length policy and the system prompts.
 *
 * @param tokenizer where executors get tokenizer.json from
 * @param tokenizerFingerprint sha256 of its bytes
 * @param template the chat template and the tokenizer's special tokens
 * @param templateFingerprint sha256 of the template source
 * @param special the special tokens, for the masker
 * @param maxSeqLength {@code prepare.max-seq-length}
 * @param lengthPolicy {@code prepare.length-policy}
 * @param systemPrompts per adapter id, the system prompt to add when a conversation has none
 * @param defaultSystemPrompt for adapters not in {@code systemPrompts}; null for none
 */
public record EncodingSpec(
    TokenizerSource tokenizer,
    String tokenizerFingerprint,
    TokenizerChatTemplate template,
    String templateFingerprint,
    SpecialTokenSet special,
    int maxSeqLength,
    LengthPolicy lengthPolicy,
    Map<String, String> systemPrompts,
    String defaultSystemPrompt)
    implements Serializable {
  public EncodingSpec {
    requireNonNull(tokenizer, "tokenizer is null");
    requireNonNull(tokenizerFingerprint, "tokenizerFingerprint is null");
    requireNonNull(template, "template is null");
    requireNonNull(templateFingerprint, "templateFingerprint is null");
    requireNonNull(special, "special is null");
    requireNonNull(lengthPolicy, "lengthPolicy is null");
    systemPrompts = Map.copyOf(requireNonNull(systemPrompts, "systemPrompts is null"));
  }

  /**
   * Builds the spec on the driver from a tokenizer folder (tokenizer.json and
   * tokenizer_config.json). The template is {@code prepare.chat-template} when set (a file, or the
   * built-in {@code llama2-chat}), else the folder's own.
   *
   * @param systemPrompts per adapter id, from {@code adapters.<id>.system-prompt}
   */
  public static EncodingSpec create(
      JavaSparkContext spark,
      Path tokenizerDir,
      PrepareConfig config,
      Map<String, String> systemPrompts) {
    Path tokenizerFile = tokenizerDir.resolve("tokenizer.json");
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(tokenizerFile);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot read tokenizer " + tokenizerFile + ": " + e.getMessage(), e);
    }
    SpecialTokenSet special;
    try {
      special = SpecialTokenSet.read(new ByteArrayInputStream(bytes));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot parse " + tokenizerFile + ": " + e.getMessage(), e);
    }
    String chatTemplate = templateSource(tokenizerDir, config.chatTemplate());
    TokenizerChatTemplate template =
        ChatTemplates.withTemplate(tokenizerDir, chatTemplate, TemplateLimits.DEFAULT);
    // Under a local master tasks run in this JVM and read the same file (loading starts now,
    // while the driver plans); elsewhere executors may not see the driver's disk, so the bytes
    // travel as a broadcast.
    String fingerprint = Fingerprints.sha256(bytes);
    TokenizerSource tokenizerSource;
    if (spark.isLocal()) {
      tokenizerSource = new TokenizerSource.LocalFile(tokenizerFile.toAbsolutePath().toString());
      tokenizerSource.preload(fingerprint);
    } else {
      tokenizerSource = new TokenizerSource.Broadcasted(spark.broadcast(bytes));
    }
    return new EncodingSpec(
        tokenizerSource,
        fingerprint,
        template,
        Fingerprints.sha256(chatTemplate.getBytes(StandardCharsets.UTF_8)),
        special,
        config.maxSeqLength(),
        config.lengthPolicy(),
        systemPrompts,
        config.systemPrompt().isEmpty() ? null : config.systemPrompt());
  }

  /** The chat template source the prepare stage uses for this tokenizer and setting. */
  public static String templateSource(Path tokenizerDir, String chatTemplate) {
    if (chatTemplate.isEmpty()) {
      try {
        return ChatTemplates.readTemplateSource(tokenizerDir);
      } catch (TemplateException e) {
        if (e.kind() != TemplateException.Kind.LOAD) {
          throw e;
        }
        throw new InvalidConfigException(
            "prepare.chat-template",
            "Cannot use the tokenizer in "
                + tokenizerDir
                + ": it has no chat template ("
                + e.detail()
                + "); set prepare.chat-template to a template file or to llama2-chat");
      }
    }
    if (chatTemplate.equals("llama2-chat")) {
      return ChatTemplates.llama2ChatSource();
    }
    Path file = Path.of(chatTemplate);
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new InvalidConfigException(
          "prepare.chat-template",
          "Cannot use prepare.chat-template "
              + chatTemplate
              + ": not a readable file nor the built-in llama2-chat ("
              + e.getMessage()
              + ")");
    }
  }

  /** The system prompt for an adapter's conversations, or null. */
  public String systemPrompt(String adapterId) {
    return systemPrompts.getOrDefault(adapterId, defaultSystemPrompt);
  }

  /** An encoder on this executor's shared tokenizer. */
  public ConversationEncoder newEncoder() {
    return new ConversationEncoder(
        tokenizer.tokenizer(tokenizerFingerprint), template, special, maxSeqLength, lengthPolicy);
  }
}
