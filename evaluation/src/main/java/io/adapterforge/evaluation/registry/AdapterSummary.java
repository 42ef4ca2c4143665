package io.adapterforge.evaluation.registry;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.Optional;

/**
 * One adapter of the registry at a glance.
 *
 * @param adapterId the adapter id
 * @param latestVersion its newest version number (also the number of versions: they have no gaps)
 * @param aliases each alias of the adapter and the version it points to, sorted by alias name
 */
public record AdapterSummary(String adapterId, int latestVersion, Map<String, Integer> aliases) {
  public AdapterSummary {
    requireNonNull(adapterId, "adapterId is null");
    aliases = Map.copyOf(aliases);
  }

  /** The version the alias points to, if it is set. */
  public Optional<Integer> alias(String name) {
    return Optional.ofNullable(aliases.get(name));
  }
}
