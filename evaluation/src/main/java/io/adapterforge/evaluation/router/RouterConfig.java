package io.adapterforge.evaluation.router;

import static io.adapterforge.config.InvalidConfigException.check;

/**
 * {@code evaluate.router.*}: how the router is trained and when it falls back to the base model.
 *
 * @param minConfidence the least probability of the best adapter for a query to be routed to it;
 *     below it the router answers {@code base}. In [0, 1] ({@code evaluate.router.min-confidence},
 *     default 0.5)
 * @param numFeatures hashed feature space size, a power of two in [2^10, 2^24] ({@code
 *     evaluate.router.num-features}, default 2^18)
 * @param maxIterations logistic-regression iterations, positive ({@code
 *     evaluate.router.max-iterations}, default 100)
 * @param regularization L2 regularization strength, non-negative ({@code
 *     evaluate.router.regularization}, default 0.01)
 */
public record RouterConfig(
    double minConfidence, int numFeatures, int maxIterations, double regularization) {
  public static final String MIN_CONFIDENCE = "evaluate.router.min-confidence";
  public static final String NUM_FEATURES = "evaluate.router.num-features";
  public static final String MAX_ITERATIONS = "evaluate.router.max-iterations";
  public static final String REGULARIZATION = "evaluate.router.regularization";

  public RouterConfig {
    check(
        minConfidence >= 0 && minConfidence <= 1,
        MIN_CONFIDENCE,
        minConfidence,
        "must be in [0, 1]");
    check(
        numFeatures >= (1 << 10) && numFeatures <= (1 << 24) && Integer.bitCount(numFeatures) == 1,
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

  /** min-confidence 0.5, 2^18 features, 100 iterations, regularization 0.01. */
  public static RouterConfig defaults() {
    return new RouterConfig(0.5, 1 << 18, 100, 0.01);
  }
}
