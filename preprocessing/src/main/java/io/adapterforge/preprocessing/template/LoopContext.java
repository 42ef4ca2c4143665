package io.adapterforge.preprocessing.template;

import java.util.List;

/**
 * The {@code loop} variable inside a {@code for}: index, first/last, length, neighbours, {@code
 * cycle()} and {@code changed()}, and for {@code recursive} loops a call that renders the loop body
 * over another iterable.
 */
final class LoopContext implements PyCallable {
  /** Renders the loop again one level deeper, for {@code loop(children)} in recursive loops. */
  interface Recursion {
    String render(Renderer renderer, Object iterable, int depth0);
  }

  private final List<Object> items;
  private final int depth0;
  private final Recursion recursion;
  private int index0;
  private Object lastChanged;

  LoopContext(List<Object> items, int depth0, Recursion recursion) {
    this.items = items;
    this.depth0 = depth0;
    this.recursion = recursion;
  }

  void advance(int index0) {
    this.index0 = index0;
  }

  int index0() {
    return index0;
  }

  int length() {
    return items.size();
  }

  /** The value of {@code loop.name}, or Java {@code null} when there is no such attribute. */
  Object attribute(String name) {
    switch (name) {
      case "index0":
        return (long) index0;
      case "index":
        return (long) index0 + 1;
      case "revindex0":
        return (long) (items.size() - index0 - 1);
      case "revindex":
        return (long) (items.size() - index0);
      case "first":
        return index0 == 0;
      case "last":
        return index0 == items.size() - 1;
      case "length":
        return (long) items.size();
      case "depth0":
        return (long) depth0;
      case "depth":
        return (long) depth0 + 1;
      case "previtem":
        return index0 == 0
            ? Undefined.withHint("there is no previous item", null)
            : items.get(index0 - 1);
      case "nextitem":
        return index0 + 1 >= items.size()
            ? Undefined.withHint("there is no next item", null)
            : items.get(index0 + 1);
      case "cycle":
        return Builtin.method(
            this,
            "cycle",
            (r, args) -> {
              if (!args.keywords().isEmpty()) {
                throw PyException.typeError("cycle() got an unexpected keyword argument");
              }
              List<Object> values = args.positional();
              if (values.isEmpty()) {
                throw PyException.typeError("no items for cycling given");
              }
              return values.get(index0 % values.size());
            });
      case "changed":
        return Builtin.method(
            this,
            "changed",
            (r, args) -> {
              Object value = PyList.tuple(args.positional());
              if (lastChanged == null || !PyOps.eq(lastChanged, value)) {
                lastChanged = value;
                return true;
              }
              return false;
            });
      default:
        return null;
    }
  }

  @Override
  public Object call(Renderer renderer, Args args) {
    if (recursion == null) {
      throw PyException.typeError("The loop must be marked as 'recursive' to call it.");
    }
    Object[] bound = args.bind("loop", new String[] {"iterable"}, new Object[] {Args.REQUIRED});
    return recursion.render(renderer, bound[0], depth0 + 1);
  }
}
