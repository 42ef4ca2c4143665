package io.adapterforge.trainer;

import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives each test method that declares an {@link NDManager} parameter a fresh base manager and
 * closes it after the test, so native memory never outlives a test.
 */
public final class NdManagerExtension implements ParameterResolver, AfterEachCallback {
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(NdManagerExtension.class);

  /** Holds the manager in the store without the store closing it on its own. */
  private static final class Holder {
    private final NDManager manager = NDManager.newBaseManager();
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == NDManager.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return context
        .getStore(NAMESPACE)
        .getOrComputeIfAbsent(Holder.class, key -> new Holder(), Holder.class)
        .manager;
  }

  @Override
  public void afterEach(ExtensionContext context) {
    Holder holder = context.getStore(NAMESPACE).remove(Holder.class, Holder.class);
    if (holder != null) {
      holder.manager.close();
    }
  }
}
