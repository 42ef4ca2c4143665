package io.adapterforge.preprocessing.template;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * jinja2's {@code namespace()}: the one mutable value, changed only by {@code {% set ns.attr = …
 * %}}. Lives for one render, so it needs no synchronization.
 */
final class Namespace {
  private final Map<String, Object> attributes = new LinkedHashMap<>();

  Object get(String name) {
    return attributes.get(name);
  }

  void set(String name, Object value) {
    attributes.put(name, value);
  }

  Map<String, Object> attributes() {
    return attributes;
  }
}
