package io.adapterforge.preprocessing.template;

/** Python's {@code None}. The engine never uses Java {@code null} as a template value. */
enum PyNone {
  NONE;

  @Override
  public String toString() {
    return "None";
  }
}
