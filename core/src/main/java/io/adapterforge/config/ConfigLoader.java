package io.adapterforge.config;

import static java.util.Objects.requireNonNull;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigSyntax;
import com.typesafe.config.ConfigValueFactory;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Loads the configuration: the embedded {@code local.conf} defaults, then an optional file given
 * with {@code --conf}, then {@code --set key=value} overrides, each layer over the one before.
 * Substitutions ({@code ${work-dir}}, {@code ${?HOME}}) are resolved after all layers are merged.
 * Stateless and thread-safe.
 */
public final class ConfigLoader {
  /** Classpath location of the embedded defaults ({@code conf/local.conf} in the repository). */
  public static final String DEFAULTS_RESOURCE = "io/adapterforge/config/local.conf";

  private ConfigLoader() {}

  /** Loads and validates the configuration; throws {@link InvalidConfigException} on any error. */
  public static AdapterforgeConfig load(Optional<Path> confFile, List<String> overrides) {
    return validate(resolve(confFile, overrides));
  }

  /** Validates an already merged and resolved configuration. */
  public static AdapterforgeConfig validate(Config resolved) {
    ConfigReader reader = new ConfigReader(resolved);
    AdapterforgeConfig config;
    try {
      config = AdapterforgeConfig.from(reader);
    } catch (InvalidConfigException e) {
      if (e.getMessage().contains("(set in ")) {
        throw e;
      }
      throw new InvalidConfigException(e.key(), e.getMessage() + reader.originOf(e.key()));
    }
    reader.rejectUnknownKeys();
    return config;
  }

  /** Merges the layers and resolves substitutions, without validating. */
  public static Config resolve(Optional<Path> confFile, List<String> overrides) {
    requireNonNull(confFile, "confFile is null");
    requireNonNull(overrides, "overrides is null");
    Config merged = defaults();
    if (confFile.isPresent()) {
      merged = parseFile(confFile.get()).withFallback(merged);
    }
    for (String override : overrides) {
      merged = parseOverride(override).withFallback(merged);
    }
    try {
      return merged.resolve();
    } catch (ConfigException.UnresolvedSubstitution e) {
      throw new InvalidConfigException("", "Cannot resolve configuration: " + e.getMessage());
    }
  }

  /** Renders a resolved configuration as HOCON, optionally with where each value came from. */
  public static String render(Config resolved, boolean withOrigins) {
    return resolved
        .root()
        .render(
            ConfigRenderOptions.defaults()
                .setJson(false)
                .setOriginComments(withOrigins)
                .setComments(false)
                .setFormatted(true));
  }

  static Path path(ConfigReader reader, String key) {
    String value = reader.string(key);
    InvalidConfigException.check(!value.isBlank(), key, "''", "must not be empty");
    try {
      return Path.of(value);
    } catch (InvalidPathException e) {
      throw new InvalidConfigException(
          key, String.format("Cannot use %s %s: not a valid path (%s)", key, value, e.getReason()));
    }
  }

  private static Config defaults() {
    return ConfigFactory.parseResources(
        ConfigLoader.class.getClassLoader(),
        DEFAULTS_RESOURCE,
        ConfigParseOptions.defaults().setAllowMissing(false).setSyntax(ConfigSyntax.CONF));
  }

  private static Config parseFile(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new InvalidConfigException("", "Cannot read config file " + file + ": no such file");
    }
    try {
      return ConfigFactory.parseFile(
          file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
    } catch (ConfigException e) {
      throw new InvalidConfigException(
          "", "Cannot parse config file " + file + ": " + e.getMessage());
    }
  }

  /**
   * A number or boolean when the text is one (so it renders unquoted), {@code null} for {@code
   * null} (which unsets an optional key), else the text itself.
   */
  private static Object scalar(String value) {
    if (value.equals("null")) {
      return null;
    }
    if (value.equals("true") || value.equals("false")) {
      return Boolean.valueOf(value);
    }
    if (value.matches("-?[0-9]{1,18}")) {
      return Long.valueOf(value);
    }
    if (value.matches("-?[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]+)?")) {
      return Double.valueOf(value);
    }
    return value;
  }

  /**
   * Parses one {@code key=value}. Values starting with {@code [} or <code>{</code> are HOCON (lists
   * and objects); anything else is taken as a literal string (so {@code local[*]} and {@code
   * hdfs://x/y} need no quoting) and converted to a number or boolean when a key asks for one;
   * {@code null} unsets an optional key.
   */
  static Config parseOverride(String override) {
    int equals = override.indexOf('=');
    if (equals <= 0) {
      throw new InvalidConfigException(
          "", "Cannot use --set " + override + ": must be key=value, e.g. train.lora.rank=16");
    }
    String key = override.substring(0, equals).trim();
    String value = override.substring(equals + 1).trim();
    String origin = "--set " + override;
    try {
      if (value.startsWith("[") || value.startsWith("{")) {
        return ConfigFactory.parseString(
                key + " = " + value, ConfigParseOptions.defaults().setOriginDescription(origin))
            .resolve();
      }
      return ConfigFactory.empty(origin)
          .withValue(key, ConfigValueFactory.fromAnyRef(scalar(value), origin));
    } catch (ConfigException e) {
      throw new InvalidConfigException(key, "Cannot use " + origin + ": " + e.getMessage());
    }
  }
}
