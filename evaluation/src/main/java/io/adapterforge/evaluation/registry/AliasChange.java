package io.adapterforge.evaluation.registry;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * One entry of an alias's history: the alias was set to, or rolled back to, a version.
 *
 * @param sequence the position in the alias's history, starting at 1
 * @param version the version the alias pointed to after this change
 * @param action {@code set} (by {@code setAlias} or {@code promote}) or {@code rollback}
 * @param rolledBack whether a later rollback undid this {@code set}; rolled-back entries are no
 *     longer targets of a rollback
 * @param changedAt when the change was made
 */
public record AliasChange(
    int sequence, int version, String action, boolean rolledBack, Instant changedAt) {
  public AliasChange {
    requireNonNull(action, "action is null");
    requireNonNull(changedAt, "changedAt is null");
  }
}
