package io.adapterforge.preprocessing.template;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Python {@code dict}: insertion-ordered, keyed with Python's hashing rules ({@code 1}, {@code
 * 1.0} and {@code True} are the same key; lists and dicts cannot be keys). Filled while it is
 * built, then only read: templates cannot change a dict.
 */
final class PyDict {
  private final LinkedHashMap<Object, Object[]> entries = new LinkedHashMap<>();

  /** Sets {@code key} to {@code value}; an equal key already present keeps its original form. */
  void put(Object key, Object value) {
    Object hashKey = hashKey(key);
    Object[] entry = entries.get(hashKey);
    if (entry == null) {
      entries.put(hashKey, new Object[] {key, value});
    } else {
      entry[1] = value;
    }
  }

  /** The value for {@code key}, or Java {@code null} when absent. Unhashable keys raise. */
  Object get(Object key) {
    Object[] entry = entries.get(hashKey(key));
    return entry == null ? null : entry[1];
  }

  boolean containsKey(Object key) {
    return entries.containsKey(hashKey(key));
  }

  int size() {
    return entries.size();
  }

  List<Object> keys() {
    List<Object> keys = new ArrayList<>(entries.size());
    for (Object[] entry : entries.values()) {
      keys.add(entry[0]);
    }
    return keys;
  }

  List<Object> values() {
    List<Object> values = new ArrayList<>(entries.size());
    for (Object[] entry : entries.values()) {
      values.add(entry[1]);
    }
    return values;
  }

  /** The {@code (key, value)} pairs as Python tuples, in insertion order. */
  List<Object> items() {
    List<Object> items = new ArrayList<>(entries.size());
    for (Object[] entry : entries.values()) {
      items.add(PyList.tuple(entry[0], entry[1]));
    }
    return items;
  }

  Iterable<Map.Entry<Object, Object>> entries() {
    return () -> {
      Iterator<Object[]> it = entries.values().iterator();
      return new Iterator<>() {
        @Override
        public boolean hasNext() {
          return it.hasNext();
        }

        @Override
        public Map.Entry<Object, Object> next() {
          Object[] entry = it.next();
          return Map.entry(entry[0], entry[1]);
        }
      };
    };
  }

  /**
   * The Java key that stands for a Python key: numbers that Python considers equal map to one Java
   * value, tuples to a list of hash keys, identity-hashed objects to themselves.
   */
  static Object hashKey(Object key) {
    if (key instanceof String || key instanceof Long || key == PyNone.NONE) {
      return key;
    }
    if (key instanceof Boolean) {
      return ((Boolean) key) ? 1L : 0L;
    }
    if (key instanceof BigInteger) {
      return key;
    }
    if (key instanceof Double) {
      double d = (Double) key;
      if (d == Math.rint(d) && !Double.isInfinite(d) && Math.abs(d) < 0x1p63) {
        return (long) d;
      }
      if (d == Math.rint(d) && !Double.isInfinite(d)) {
        return new BigDecimal(d).toBigInteger();
      }
      return key;
    }
    if (key instanceof PyList) {
      PyList list = (PyList) key;
      if (list.kind() == PyList.Kind.TUPLE) {
        List<Object> parts = new ArrayList<>(list.size() + 1);
        parts.add(TupleMarker.TUPLE);
        for (Object item : list.items()) {
          parts.add(hashKey(item));
        }
        return parts;
      }
    }
    if (key instanceof Undefined) {
      // jinja2's Undefined hashes by type and equals every other Undefined.
      return UndefinedMarker.UNDEFINED;
    }
    if (key instanceof PyList || key instanceof PyDict) {
      throw PyException.typeError("unhashable type: '" + PyOps.typeName(key) + "'");
    }
    if (key instanceof PySlice) {
      throw PyException.typeError("unhashable type: 'slice'");
    }
    return key;
  }

  private enum TupleMarker {
    TUPLE
  }

  private enum UndefinedMarker {
    UNDEFINED
  }
}
