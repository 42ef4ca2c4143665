package io.adapterforge.preprocessing.template;

/** jinja2's {@code joiner(sep=", ")}: returns "" the first time it is called, then {@code sep}. */
final class Joiner implements PyCallable {
  private final String separator;
  private boolean used;

  Joiner(String separator) {
    this.separator = separator;
  }

  @Override
  public Object call(Renderer renderer, Args args) {
    args.expectNone("joiner");
    if (!used) {
      used = true;
      return "";
    }
    return separator;
  }
}
