package io.adapterforge.preprocessing.template;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * An immutable Python sequence: a {@code list}, a {@code tuple}, a {@code range}, or one of the
 * dict views ({@code dict.items()} and friends). The kind only changes how the value prints and
 * what it equals; all of them iterate over {@link #items()}.
 */
final class PyList {
  enum Kind {
    LIST("list"),
    TUPLE("tuple"),
    RANGE("range"),
    DICT_KEYS("dict_keys"),
    DICT_VALUES("dict_values"),
    DICT_ITEMS("dict_items");

    final String typeName;

    Kind(String typeName) {
      this.typeName = typeName;
    }
  }

  private final Kind kind;
  private final List<Object> items;
  private final String rangeRepr;
  private final List<String> fields;

  private PyList(Kind kind, List<Object> items, String rangeRepr) {
    this(kind, items, rangeRepr, List.of());
  }

  private PyList(Kind kind, List<Object> items, String rangeRepr, List<String> fields) {
    this.kind = kind;
    this.items = items;
    this.rangeRepr = rangeRepr;
    this.fields = fields;
  }

  /** A named tuple, such as the {@code (grouper, list)} pairs of the {@code groupby} filter. */
  static PyList namedTuple(List<String> fields, List<Object> items) {
    return new PyList(Kind.TUPLE, Collections.unmodifiableList(items), null, List.copyOf(fields));
  }

  /** The named-tuple field {@code name}, or null. */
  Object field(String name) {
    int index = fields.indexOf(name);
    return index < 0 ? null : items.get(index);
  }

  /** A list owning {@code items}: the caller must not change the list afterwards. */
  static PyList list(List<Object> items) {
    return new PyList(Kind.LIST, Collections.unmodifiableList(items), null);
  }

  static PyList tuple(List<Object> items) {
    return new PyList(Kind.TUPLE, Collections.unmodifiableList(items), null);
  }

  static PyList tuple(Object... items) {
    List<Object> list = new ArrayList<>(items.length);
    Collections.addAll(list, items);
    return tuple(list);
  }

  static PyList of(Kind kind, List<Object> items) {
    return new PyList(kind, Collections.unmodifiableList(items), null);
  }

  static PyList range(List<Object> items, String repr) {
    return new PyList(Kind.RANGE, Collections.unmodifiableList(items), repr);
  }

  Kind kind() {
    return kind;
  }

  List<Object> items() {
    return items;
  }

  int size() {
    return items.size();
  }

  Object get(int index) {
    return items.get(index);
  }

  /** Lists, tuples and ranges support {@code [index]}; dict views do not. */
  boolean isSubscriptable() {
    return kind == Kind.LIST || kind == Kind.TUPLE || kind == Kind.RANGE;
  }

  String rangeRepr() {
    return rangeRepr;
  }
}
