package io.adapterforge.preprocessing.template;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Turns the caller's data into template values. Only plain data crosses: strings, numbers,
 * booleans, null, lists, maps with string keys, and Jackson trees; anything else is refused, so no
 * Java object a template could poke at ever enters a render.
 */
final class Values {
  private Values() {}

  /** A JSON tree as Python's {@code json.loads} would give it: ints, floats, dicts in order. */
  static Object fromJson(JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return PyNone.NONE;
    }
    if (node.isTextual()) {
      return node.textValue();
    }
    if (node.isBoolean()) {
      return node.booleanValue();
    }
    if (node.isIntegralNumber()) {
      if (node.canConvertToLong()) {
        return node.longValue();
      }
      return PyNumbers.normalize(node.bigIntegerValue());
    }
    if (node.isNumber()) {
      return node.doubleValue();
    }
    if (node.isArray()) {
      List<Object> items = new ArrayList<>(node.size());
      for (JsonNode item : node) {
        items.add(fromJson(item));
      }
      return PyList.list(items);
    }
    if (node.isObject()) {
      PyDict dict = new PyDict();
      Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        dict.put(field.getKey(), fromJson(field.getValue()));
      }
      return dict;
    }
    throw new IllegalArgumentException(
        "Cannot pass a JSON " + node.getNodeType() + " node to a chat template");
  }

  /** A Java value as a template value; {@code null} is Python's None. */
  static Object fromJava(Object value) {
    if (value == null) {
      return PyNone.NONE;
    }
    if (value instanceof String) {
      return value;
    }
    if (value instanceof Boolean) {
      return value;
    }
    if (value instanceof Long
        || value instanceof Integer
        || value instanceof Short
        || value instanceof Byte) {
      return ((Number) value).longValue();
    }
    if (value instanceof BigInteger) {
      return PyNumbers.normalize((BigInteger) value);
    }
    if (value instanceof Double || value instanceof Float) {
      return ((Number) value).doubleValue();
    }
    if (value instanceof BigDecimal) {
      return ((BigDecimal) value).doubleValue();
    }
    if (value instanceof Character) {
      return value.toString();
    }
    if (value instanceof JsonNode) {
      return fromJson((JsonNode) value);
    }
    if (value instanceof Map) {
      PyDict dict = new PyDict();
      for (Map.Entry<?, ?> entry : ((Map<?, ?>) value).entrySet()) {
        if (!(entry.getKey() instanceof String)) {
          throw new IllegalArgumentException(
              "Cannot pass a map with a "
                  + (entry.getKey() == null ? "null" : entry.getKey().getClass().getName())
                  + " key to a chat template: keys must be strings");
        }
        dict.put(entry.getKey(), fromJava(entry.getValue()));
      }
      return dict;
    }
    if (value instanceof Collection) {
      List<Object> items = new ArrayList<>(((Collection<?>) value).size());
      for (Object item : (Collection<?>) value) {
        items.add(fromJava(item));
      }
      return PyList.list(items);
    }
    throw new IllegalArgumentException(
        "Cannot pass a "
            + value.getClass().getName()
            + " to a chat template: only strings, numbers, booleans, null, lists, maps and"
            + " JSON trees");
  }
}
