package io.adapterforge.preprocessing.template;

import java.util.List;

/** jinja2's {@code cycler(*items)}: {@code next()}, {@code current}, {@code reset()}. */
final class Cycler {
  private final List<Object> items;
  private int position;

  Cycler(List<Object> items) {
    if (items.isEmpty()) {
      throw new PyException("RuntimeError", "at least one item has to be provided");
    }
    this.items = items;
  }

  Object attribute(String name) {
    switch (name) {
      case "items":
        return PyList.tuple(items);
      case "pos":
        return (long) position;
      case "current":
        return items.get(position);
      case "next":
        return Builtin.method(
            this,
            "next",
            (r, args) -> {
              args.expectNone("next");
              Object value = items.get(position);
              position = (position + 1) % items.size();
              return value;
            });
      case "reset":
        return Builtin.method(
            this,
            "reset",
            (r, args) -> {
              args.expectNone("reset");
              position = 0;
              return PyNone.NONE;
            });
      default:
        return null;
    }
  }
}
