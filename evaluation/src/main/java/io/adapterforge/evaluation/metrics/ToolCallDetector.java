package io.adapterforge.evaluation.metrics;

import static java.util.Objects.requireNonNull;

import io.adapterforge.config.EvaluateConfig;
import io.adapterforge.config.InvalidConfigException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Decides whether a reply calls a tool, and which one, with a configurable set of regular
 * expressions ({@code evaluate.tool-call.patterns}). Each pattern must have a named group {@code
 * name} that captures the tool's name. A reply calls a tool when any pattern is found anywhere in
 * it; when several calls are found, the one that starts first in the reply names the tool.
 *
 * <p>The {@linkplain #DEFAULT_PATTERNS defaults} recognise
 *
 * <ul>
 *   <li>{@code <tool_call name="lookup" arguments="{...}"/>} — attributes in either order, single
 *       or double quotes, with or without the closing slash;
 *   <li>JSON {@code {"name": "lookup", "arguments": {...}}} — {@code "name"} as a string member
 *       followed (after any other members) by an {@code "arguments"} member, as emitted by the
 *       Hermes/Qwen tool-call format.
 * </ul>
 *
 * <p>Immutable, serializable (ships inside Spark closures) and thread-safe.
 */
public final class ToolCallDetector implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The config key the patterns come from; named in error messages. */
  public static final String PATTERNS_KEY = "evaluate.tool-call.patterns";

  /** The default pattern set, see the class Javadoc. */
  public static final List<String> DEFAULT_PATTERNS =
      List.of(
          "<tool_call\\b[^>]*?\\bname\\s*=\\s*[\"'](?<name>[^\"']*)[\"'][^>]*>",
          "\\{\\s*\"name\"\\s*:\\s*\"(?<name>(?:[^\"\\\\]|\\\\.)*)\"\\s*,(?:[^{}]|\\{[^{}]*\\})*?"
              + "\"arguments\"\\s*:");

  private final List<Pattern> patterns;

  private ToolCallDetector(List<Pattern> patterns) {
    this.patterns = List.copyOf(patterns);
  }

  /** A detector with {@link #DEFAULT_PATTERNS}. */
  public static ToolCallDetector defaults() {
    return of(DEFAULT_PATTERNS);
  }

  /**
   * A detector with the patterns of a loaded configuration ({@code evaluate.tool-call.patterns}).
   */
  public static ToolCallDetector from(EvaluateConfig evaluate) {
    return of(evaluate.toolCall().patterns());
  }

  /**
   * A detector with the given patterns.
   *
   * @throws InvalidConfigException naming {@value #PATTERNS_KEY} when the list is empty, a pattern
   *     does not compile or has no group {@code name}
   */
  public static ToolCallDetector of(List<String> regexes) {
    requireNonNull(regexes, "regexes is null");
    InvalidConfigException.check(!regexes.isEmpty(), PATTERNS_KEY, regexes, "must not be empty");
    List<Pattern> compiled = new ArrayList<>();
    for (String regex : regexes) {
      requireNonNull(regex, "a pattern in " + PATTERNS_KEY + " is null");
      Pattern pattern;
      try {
        pattern = Pattern.compile(regex, Pattern.DOTALL);
      } catch (PatternSyntaxException e) {
        throw new InvalidConfigException(
            PATTERNS_KEY,
            String.format(
                "Cannot use %s pattern %s: not a valid regular expression (%s)",
                PATTERNS_KEY, regex, e.getDescription()));
      }
      InvalidConfigException.check(
          regex.contains("(?<name>"),
          PATTERNS_KEY,
          regex,
          "must have a named group (?<name>...) that captures the tool name");
      compiled.add(pattern);
    }
    return new ToolCallDetector(compiled);
  }

  /** The tool the reply calls first, or empty when it calls none. */
  public Optional<String> calledTool(String reply) {
    requireNonNull(reply, "reply is null");
    int bestStart = Integer.MAX_VALUE;
    String bestName = null;
    for (Pattern pattern : patterns) {
      Matcher matcher = pattern.matcher(reply);
      if (matcher.find() && matcher.start() < bestStart) {
        bestStart = matcher.start();
        bestName = matcher.group("name").strip();
      }
    }
    return Optional.ofNullable(bestName);
  }

  /** True when the reply calls any tool. */
  public boolean callsTool(String reply) {
    return calledTool(reply).isPresent();
  }

  /** The patterns, as given. */
  public List<String> patterns() {
    return patterns.stream().map(Pattern::pattern).toList();
  }
}
