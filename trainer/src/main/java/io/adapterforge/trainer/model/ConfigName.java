package io.adapterforge.trainer.model;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** An enum whose constants stand for values of a {@code config.json} field. */
interface ConfigName {
  /** The value in {@code config.json}. */
  String configName();

  /** The constant of {@code type} whose config name is {@code name}. */
  static <E extends Enum<E> & ConfigName> Optional<E> find(Class<E> type, String name) {
    return Arrays.stream(type.getEnumConstants())
        .filter(constant -> constant.configName().equals(name))
        .findFirst();
  }

  /** Every config name of {@code type}, sorted and comma-separated, for messages. */
  static <E extends Enum<E> & ConfigName> String all(Class<E> type) {
    return Arrays.stream(type.getEnumConstants())
        .map(ConfigName::configName)
        .sorted()
        .collect(Collectors.joining(", "));
  }
}
