package io.adapterforge.cli;

import java.io.PrintWriter;
import java.util.function.Consumer;

/** Where a command's progress lines go: printed and flushed at once, so people can follow. */
final class Lines {
  private Lines() {}

  /** A consumer that prints each line to {@code out} and flushes it. */
  static Consumer<String> to(PrintWriter out) {
    return line -> {
      out.println(line);
      out.flush();
    };
  }
}
