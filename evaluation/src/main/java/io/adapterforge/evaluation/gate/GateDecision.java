package io.adapterforge.evaluation.gate;

import static java.util.Objects.requireNonNull;

import java.io.Serializable;
import java.util.List;

/**
 * The gate's verdict on one adapter of one evaluation run.
 *
 * @param adapterId the adapter judged
 * @param published true when every rule held and the adapter may be published
 * @param reason one line for the report: for a rejection, every broken rule with its number, its
 *     threshold and its config key, joined with {@code "; "}; for a pass, the gain that earned it
 * @param brokenRules the config keys of the broken rules, in the order checked; empty when
 *     published
 */
public record GateDecision(
    String adapterId, boolean published, String reason, List<String> brokenRules)
    implements Serializable {
  private static final long serialVersionUID = 1L;

  public GateDecision {
    requireNonNull(adapterId, "adapterId is null");
    requireNonNull(reason, "reason is null");
    brokenRules = List.copyOf(requireNonNull(brokenRules, "brokenRules is null"));
    if (published != brokenRules.isEmpty()) {
      throw new IllegalArgumentException(
          "Cannot record gate decision for "
              + adapterId
              + ": published="
              + published
              + " contradicts broken rules "
              + brokenRules);
    }
  }
}
