package io.adapterforge.preprocessing.template;

import java.util.Iterator;

/**
 * A single-pass Python iterator such as the generator {@code select}, {@code map} or {@code items}
 * return, or {@code reversed(list)}. Like in Python it is always true, has no length, and is empty
 * once consumed.
 */
final class PyIteratorValue implements Iterator<Object> {
  private final String typeName;
  private final Iterator<Object> source;

  PyIteratorValue(String typeName, Iterator<Object> source) {
    this.typeName = typeName;
    this.source = source;
  }

  String typeName() {
    return typeName;
  }

  @Override
  public boolean hasNext() {
    return source.hasNext();
  }

  @Override
  public Object next() {
    return source.next();
  }
}
