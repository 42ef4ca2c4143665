package io.adapterforge.config;

import static java.util.Objects.requireNonNull;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads typed values out of a resolved HOCON {@link Config} and remembers every key it read, so
 * that {@link #rejectUnknownKeys()} can name any key no stage asked for. Type errors are reported
 * as {@link InvalidConfigException} naming the key, the value and where it was set. Not
 * thread-safe; use one reader per load.
 */
public final class ConfigReader {
  private final Config config;
  private final Set<String> readKeys = new TreeSet<>();
  private final Set<String> freeFormSections = new TreeSet<>();

  public ConfigReader(Config config) {
    this.config = requireNonNull(config, "config is null");
  }

  public String string(String key) {
    return read(key, () -> config.getString(key), "must be a string");
  }

  public int integer(String key) {
    return read(key, () -> config.getInt(key), "must be an integer");
  }

  public long longInteger(String key) {
    return read(key, () -> config.getLong(key), "must be an integer");
  }

  public double number(String key) {
    return read(key, () -> config.getDouble(key), "must be a number");
  }

  public boolean bool(String key) {
    return read(key, () -> config.getBoolean(key), "must be true or false");
  }

  public List<String> stringList(String key) {
    ConfigValue value = value(key);
    if (value.valueType() == ConfigValueType.STRING) {
      // --set a.b=x,y arrives as one string; accept comma-separated lists for convenience.
      List<String> items = new ArrayList<>();
      for (String item : ((String) value.unwrapped()).split(",")) {
        if (!item.isBlank()) {
          items.add(item.trim());
        }
      }
      readKeys.add(key);
      return List.copyOf(items);
    }
    return read(key, () -> List.copyOf(config.getStringList(key)), "must be a list of strings");
  }

  /**
   * A list of regular expressions. Like {@link #stringList}, but a single string is one item, not
   * split at commas: a comma is an ordinary character of a regular expression.
   */
  public List<String> patternList(String key) {
    ConfigValue value = value(key);
    if (value.valueType() == ConfigValueType.STRING) {
      readKeys.add(key);
      return List.of((String) value.unwrapped());
    }
    return read(key, () -> List.copyOf(config.getStringList(key)), "must be a list of strings");
  }

  /**
   * An optional string: empty when the key is absent or {@code null}. The key counts as known
   * either way, so {@code local.conf} may list it as {@code null}.
   */
  public Optional<String> optionalString(String key) {
    return isUnset(key) ? Optional.empty() : Optional.of(string(key));
  }

  /** An optional integer; see {@link #optionalString}. */
  public OptionalInt optionalInteger(String key) {
    return isUnset(key) ? OptionalInt.empty() : OptionalInt.of(integer(key));
  }

  /** An optional number; see {@link #optionalString}. */
  public OptionalDouble optionalNumber(String key) {
    return isUnset(key) ? OptionalDouble.empty() : OptionalDouble.of(number(key));
  }

  /** An optional list of strings, read as {@link #stringList}; see {@link #optionalString}. */
  public Optional<List<String>> optionalStringList(String key) {
    return isUnset(key) ? Optional.empty() : Optional.of(stringList(key));
  }

  /**
   * A section whose keys are free (for example Spark properties); values are read as strings. Keys
   * may contain dots when quoted in the file.
   */
  public Map<String, String> stringMap(String key) {
    freeFormSections.add(key);
    if (!config.hasPath(key)) {
      return Map.of();
    }
    Config section = read(key, () -> config.getConfig(key), "must be an object");
    Map<String, String> result = new LinkedHashMap<>();
    for (Map.Entry<String, ConfigValue> entry :
        new java.util.TreeMap<>(section.root()).entrySet()) {
      ConfigValue value = entry.getValue();
      String name = key + "." + entry.getKey();
      if (value.valueType() == ConfigValueType.OBJECT
          || value.valueType() == ConfigValueType.LIST) {
        throw new InvalidConfigException(
            name,
            String.format(
                "Cannot use %s %s: must be a plain value%s",
                name, value.render(ConfigRenderOptions.concise()), origin(value)));
      }
      result.put(entry.getKey(), String.valueOf(value.unwrapped()));
    }
    return result;
  }

  /**
   * The names of the direct children of an object, as written (dots inside quoted names kept);
   * empty when the key is absent. Read each child's values with {@link #childKey}.
   */
  public Set<String> childNames(String key) {
    if (!config.hasPath(key)) {
      return Set.of();
    }
    return new TreeSet<>(read(key, () -> config.getObject(key), "must be an object").keySet());
  }

  /** The path of {@code child.leaf} under {@code parent}, quoting the child name when needed. */
  public static String childKey(String parent, String child, String leaf) {
    return parent + "." + ConfigUtil.joinPath(child) + "." + leaf;
  }

  private boolean isUnset(String key) {
    readKeys.add(key);
    return !config.hasPath(key);
  }

  /** True when the key is set (to anything but null). */
  public boolean has(String key) {
    return config.hasPath(key);
  }

  /** Fails on the first key (in sorted order) that was present but never read. */
  public void rejectUnknownKeys() {
    for (Map.Entry<String, ConfigValue> entry : new java.util.TreeMap<>(entries()).entrySet()) {
      String key = entry.getKey();
      if (readKeys.contains(key) || isInFreeFormSection(key)) {
        continue;
      }
      String suggestion = closestKnownKey(key);
      throw new InvalidConfigException(
          key,
          String.format(
              "Unknown config key %s%s%s",
              key,
              origin(entry.getValue()),
              suggestion == null ? "" : "; did you mean " + suggestion + "?"));
    }
  }

  /** The keys read so far, optional ones included; for tests. */
  Set<String> readKeys() {
    return Set.copyOf(readKeys);
  }

  /** Every key present, those set to {@code null} included; for tests. */
  Set<String> presentKeys() {
    return Set.copyOf(entries().keySet());
  }

  /** Where a key's value was set, e.g. {@code " (set in my.conf: 12)"}, or empty when unknown. */
  public String originOf(String key) {
    ConfigValue value = config.hasPathOrNull(key) ? leafOrNull(key) : null;
    return value == null ? "" : origin(value);
  }

  /** Every leaf, including those set to {@code null} (which {@link Config#entrySet} leaves out). */
  private Map<String, ConfigValue> entries() {
    Map<String, ConfigValue> result = new LinkedHashMap<>();
    collectLeaves(config.root(), new ArrayList<>(), result);
    return result;
  }

  private static void collectLeaves(
      ConfigObject object, List<String> path, Map<String, ConfigValue> leaves) {
    for (Map.Entry<String, ConfigValue> entry : object.entrySet()) {
      path.add(entry.getKey());
      if (entry.getValue() instanceof ConfigObject child) {
        collectLeaves(child, path, leaves);
      } else {
        leaves.put(ConfigUtil.joinPath(path), entry.getValue());
      }
      path.remove(path.size() - 1);
    }
  }

  private boolean isInFreeFormSection(String key) {
    for (String section : freeFormSections) {
      if (key.startsWith(section + ".")) {
        return true;
      }
    }
    return false;
  }

  private String closestKnownKey(String key) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String known : readKeys) {
      int distance = editDistance(key, known);
      if (distance < bestDistance) {
        bestDistance = distance;
        best = known;
      }
    }
    return bestDistance <= Math.max(2, key.length() / 5) ? best : null;
  }

  private static int editDistance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        current[j] =
            Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }

  private ConfigValue value(String key) {
    if (!config.hasPath(key)) {
      if (config.hasPathOrNull(key)) {
        throw new InvalidConfigException(
            key,
            String.format(
                "Cannot use %s null: a value is required%s", key, origin(leafOrNull(key))));
      }
      throw new InvalidConfigException(key, "Missing config key " + key);
    }
    return config.getValue(key);
  }

  /** The value at a path, {@code null} values included (where {@link Config#getValue} throws). */
  private ConfigValue leafOrNull(String key) {
    ConfigValue value = config.root();
    for (String part : ConfigUtil.splitPath(key)) {
      if (!(value instanceof ConfigObject object) || !object.containsKey(part)) {
        return null;
      }
      value = object.get(part);
    }
    return value;
  }

  private <T> T read(String key, ValueSupplier<T> supplier, String rule) {
    ConfigValue value = value(key);
    try {
      T result = supplier.get();
      readKeys.add(key);
      return result;
    } catch (ConfigException.WrongType | ConfigException.BadValue e) {
      throw new InvalidConfigException(
          key,
          String.format(
              "Cannot use %s %s: %s%s",
              key, value.render(ConfigRenderOptions.concise()), rule, origin(value)));
    }
  }

  private static String origin(ConfigValue value) {
    String description = value.origin().description();
    return description == null || description.isBlank() ? "" : " (set in " + description + ")";
  }

  @FunctionalInterface
  private interface ValueSupplier<T> {
    T get();
  }
}
