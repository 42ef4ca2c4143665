package io.adapterforge.preprocessing.template;

import java.io.Serializable;

/**
 * Bounds on what one render of an untrusted chat template may consume. Exceeding one fails the
 * render with a {@link TemplateException} of kind {@link TemplateException.Kind#LIMIT}.
 *
 * @param maxOutputChars the most characters (UTF-16 code units) the rendered text, and any single
 *     string or list the template builds on the way, may hold
 * @param maxLoopIterations the most {@code for} iterations over the whole render, nested loops and
 *     macro calls included
 * @param maxRecursionDepth the deepest nesting of macro calls and recursive loops
 */
public record TemplateLimits(int maxOutputChars, int maxLoopIterations, int maxRecursionDepth)
    implements Serializable {

  /** 1 MiB characters of output, a million loop iterations, 100 nested calls. */
  public static final TemplateLimits DEFAULT = new TemplateLimits(1 << 20, 1_000_000, 100);

  public TemplateLimits {
    if (maxOutputChars <= 0) {
      throw new IllegalArgumentException(
          "Cannot use maxOutputChars " + maxOutputChars + ": must be positive");
    }
    if (maxLoopIterations <= 0) {
      throw new IllegalArgumentException(
          "Cannot use maxLoopIterations " + maxLoopIterations + ": must be positive");
    }
    if (maxRecursionDepth <= 0) {
      throw new IllegalArgumentException(
          "Cannot use maxRecursionDepth " + maxRecursionDepth + ": must be positive");
    }
  }

  public static TemplateLimits defaults() {
    return DEFAULT;
  }

  public TemplateLimits withMaxOutputChars(int value) {
    return new TemplateLimits(value, maxLoopIterations, maxRecursionDepth);
  }

  public TemplateLimits withMaxLoopIterations(int value) {
    return new TemplateLimits(maxOutputChars, value, maxRecursionDepth);
  }

  public TemplateLimits withMaxRecursionDepth(int value) {
    return new TemplateLimits(maxOutputChars, maxLoopIterations, value);
  }
}
