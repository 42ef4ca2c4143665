package io.adapterforge.preprocessing.template;

import java.time.Clock;

/**
 * The state of one render: the limits and how much of them is used, and the clock behind {@code
 * strftime_now}. A new one per render; not thread-safe.
 */
final class Renderer {
  private final TemplateLimits limits;
  private final Clock clock;
  private int loopIterations;
  private int depth;

  Renderer(TemplateLimits limits, Clock clock) {
    this.limits = limits;
    this.clock = clock;
  }

  Clock clock() {
    return clock;
  }

  int maxChars() {
    return limits.maxOutputChars();
  }

  Output newOutput() {
    return new Output(limits.maxOutputChars());
  }

  /** Counts one loop iteration against {@link TemplateLimits#maxLoopIterations}. */
  void countIteration() {
    if (++loopIterations > limits.maxLoopIterations()) {
      throw PyException.limit(
          "more than "
              + limits.maxLoopIterations()
              + " loop iterations (TemplateLimits.maxLoopIterations)");
    }
  }

  /** Enters a macro call or recursive loop, bounded by {@link TemplateLimits#maxRecursionDepth}. */
  void enterCall() {
    if (++depth > limits.maxRecursionDepth()) {
      depth--;
      throw PyException.limit(
          "calls nested deeper than "
              + limits.maxRecursionDepth()
              + " (TemplateLimits.maxRecursionDepth)");
    }
  }

  void exitCall() {
    depth--;
  }

  /** Fails when a string the template builds would exceed the output limit. */
  void checkLength(long length) {
    if (length > limits.maxOutputChars()) {
      throw PyException.limit(
          "a value of "
              + length
              + " characters exceeds "
              + limits.maxOutputChars()
              + " (TemplateLimits.maxOutputChars)");
    }
  }
}
