package io.adapterforge.config;

import static io.adapterforge.config.InvalidConfigException.check;
import static java.util.Objects.requireNonNull;

import java.io.Serializable;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * {@code evaluate.*}: how adapters are scored, how replies are generated for the task metrics, and
 * how the router is trained. Serializable: jobs pass it to executors.
 *
 * @param maxRowsPerSplit test rows scored per adapter test split, for the held-out loss and each
 *     cell of the cross-adapter matrix; positive ({@code evaluate.max-rows-per-split}, default 256)
 * @param batchSize rows per forward pass when scoring; positive ({@code evaluate.batch-size},
 *     default 8)
 * @param maxGenerations test prompts per adapter that get a generated reply for the task metrics; 0
 *     = generate nothing, so exact match, token F1 and the tool-call metrics stay undefined ({@code
 *     evaluate.max-generations}, default 16)
 * @param maxNewTokens the longest generated reply, in tokens; positive ({@code
 *     evaluate.max-new-tokens}, default 64)
 * @param toolCall how a reply is recognised as a tool call ({@code evaluate.tool-call.*})
 * @param router the router's training and fallback ({@code evaluate.router.*})
 */
public record EvaluateConfig(
    int maxRowsPerSplit,
    int batchSize,
    int maxGenerations,
    int maxNewTokens,
    ToolCall toolCall,
    Router router)
    implements Serializable {
  private static final long serialVersionUID = 1L;

  public EvaluateConfig {
    check(maxRowsPerSplit > 0, "evaluate.max-rows-per-split", maxRowsPerSplit, "must be positive");
    check(batchSize > 0, "evaluate.batch-size", batchSize, "must be positive");
    check(
        maxGenerations >= 0,
        "evaluate.max-generations",
        maxGenerations,
        "must not be negative (0 = no generation)");
    check(maxNewTokens > 0, "evaluate.max-new-tokens", maxNewTokens, "must be positive");
    requireNonNull(toolCall, "toolCall is null");
    requireNonNull(router, "router is null");
  }

  /**
   * {@code evaluate.tool-call.*}: the regular expressions that find a tool call in a reply.
   *
   * @param patterns one or more regular expressions (compiled with DOTALL), each with a named group
   *     {@code name} that captures the called tool's name ({@code evaluate.tool-call.patterns},
   *     default: a {@code <tool_call name="…">} tag and Hermes/Qwen JSON {@code {"name": …,
   *     "arguments": …}})
   */
  public record ToolCall(List<String> patterns) implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The key of the patterns, named in messages. */
    public static final String PATTERNS = "evaluate.tool-call.patterns";

    public ToolCall {
      requireNonNull(patterns, "patterns is null");
      check(!patterns.isEmpty(), PATTERNS, patterns, "must not be empty");
      for (String regex : patterns) {
        requireNonNull(regex, "a pattern in " + PATTERNS + " is null");
        try {
          Pattern.compile(regex, Pattern.DOTALL);
        } catch (PatternSyntaxException e) {
          throw new InvalidConfigException(
              PATTERNS,
              String.format(
                  "Cannot use %s pattern %s: not a valid regular expression (%s)",
                  PATTERNS, regex, e.getDescription()));
        }
        check(
            regex.contains("(?<name>"),
            PATTERNS,
            regex,
            "must have a named group (?<name>...) that captures the tool name");
      }
      patterns = List.copyOf(patterns);
    }
  }

  /**
   * {@code evaluate.router.*}: how the router is trained and when it falls back to the base model.
   *
   * @param minConfidence the least probability of the best adapter for a query to be routed to it;
   *     below it the router answers {@code base}. In [0, 1] ({@code
   *     evaluate.router.min-confidence}, default 0.5)
   * @param numFeatures hashed feature space size, a power of two in [2^10, 2^24] ({@code
   *     evaluate.router.num-features}, default 2^18 = 262144)
   * @param maxIterations logistic-regression iterations, positive ({@code
   *     evaluate.router.max-iterations}, default 100)
   * @param regularization L2 regularization strength, non-negative and finite ({@code
   *     evaluate.router.regularization}, default 0.01)
   */
  public record Router(
      double minConfidence, int numFeatures, int maxIterations, double regularization)
      implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final String MIN_CONFIDENCE = "evaluate.router.min-confidence";
    public static final String NUM_FEATURES = "evaluate.router.num-features";
    public static final String MAX_ITERATIONS = "evaluate.router.max-iterations";
    public static final String REGULARIZATION = "evaluate.router.regularization";

    public Router {
      check(
          minConfidence >= 0 && minConfidence <= 1,
          MIN_CONFIDENCE,
          minConfidence,
          "must be in [0, 1]");
      check(
          numFeatures >= (1 << 10)
              && numFeatures <= (1 << 24)
              && Integer.bitCount(numFeatures) == 1,
          NUM_FEATURES,
          numFeatures,
          "must be a power of two in [1024, 16777216]");
      check(maxIterations > 0, MAX_ITERATIONS, maxIterations, "must be positive");
      check(
          regularization >= 0 && Double.isFinite(regularization),
          REGULARIZATION,
          regularization,
          "must be a non-negative finite number");
    }
  }

  static EvaluateConfig from(ConfigReader reader) {
    return new EvaluateConfig(
        reader.integer("evaluate.max-rows-per-split"),
        reader.integer("evaluate.batch-size"),
        reader.integer("evaluate.max-generations"),
        reader.integer("evaluate.max-new-tokens"),
        new ToolCall(reader.patternList(ToolCall.PATTERNS)),
        new Router(
            reader.number(Router.MIN_CONFIDENCE),
            reader.integer(Router.NUM_FEATURES),
            reader.integer(Router.MAX_ITERATIONS),
            reader.number(Router.REGULARIZATION)));
  }
}
