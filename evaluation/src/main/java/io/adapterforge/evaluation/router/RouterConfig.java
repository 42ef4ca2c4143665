package io.adapterforge.evaluation.router;

import io.adapterforge.config.EvaluateConfig;

/**
 * {@code evaluate.router.*}: how the router is trained and when it falls back to the base model.
 * The keys, defaults and rules are those of {@link EvaluateConfig.Router}, which this record is
 * made {@linkplain #from from} and checked by.
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
  public static final String MIN_CONFIDENCE = EvaluateConfig.Router.MIN_CONFIDENCE;
  public static final String NUM_FEATURES = EvaluateConfig.Router.NUM_FEATURES;
  public static final String MAX_ITERATIONS = EvaluateConfig.Router.MAX_ITERATIONS;
  public static final String REGULARIZATION = EvaluateConfig.Router.REGULARIZATION;

  public RouterConfig {
    // One set of rules for these keys: the config record's.
    new EvaluateConfig.Router(minConfidence, numFeatures, maxIterations, regularization);
  }

  /** The router settings of a loaded configuration ({@code AdapterforgeConfig.evaluate()}). */
  public static RouterConfig from(EvaluateConfig evaluate) {
    EvaluateConfig.Router router = evaluate.router();
    return new RouterConfig(
        router.minConfidence(),
        router.numFeatures(),
        router.maxIterations(),
        router.regularization());
  }

  /** min-confidence 0.5, 2^18 features, 100 iterations, regularization 0.01. */
  public static RouterConfig defaults() {
    return new RouterConfig(0.5, 1 << 18, 100, 0.01);
  }
}
