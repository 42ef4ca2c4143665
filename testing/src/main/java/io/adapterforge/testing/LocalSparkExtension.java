package io.adapterforge.testing;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One {@code local[2]} SparkSession per test class: UI off, bound to 127.0.0.1, 4 shuffle
 * partitions, UTC. Use with {@code @ExtendWith(LocalSparkExtension.class)} and take a {@link
 * SparkSession} parameter in {@code @BeforeAll}, {@code @Test} or a constructor.
 */
public final class LocalSparkExtension
    implements BeforeAllCallback, AfterAllCallback, ParameterResolver {
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(LocalSparkExtension.class);
  private static final String KEY = "spark";

  /** Builds the session tests share; also used directly by tests that need their own. */
  public static SparkSession newSession(String appName) {
    return SparkSession.builder()
        .master("local[2]")
        .appName(appName)
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.adaptive.enabled", "false")
        .getOrCreate();
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    session(context);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    SparkSession session = context.getStore(NAMESPACE).remove(KEY, SparkSession.class);
    if (session != null) {
      session.stop();
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == SparkSession.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return session(context);
  }

  private static SparkSession session(ExtensionContext context) {
    ExtensionContext classContext = classContext(context);
    return classContext
        .getStore(NAMESPACE)
        .getOrComputeIfAbsent(
            KEY,
            key -> newSession(classContext.getRequiredTestClass().getSimpleName()),
            SparkSession.class);
  }

  private static ExtensionContext classContext(ExtensionContext context) {
    ExtensionContext current = context;
    while (current.getTestMethod().isPresent() && current.getParent().isPresent()) {
      current = current.getParent().get();
    }
    return current;
  }
}
