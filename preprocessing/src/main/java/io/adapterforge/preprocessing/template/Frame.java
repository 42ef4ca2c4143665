package io.adapterforge.preprocessing.template;

import java.util.Set;

/**
 * How a new scope of one construct (template, loop iteration, macro call, …) starts. jinja2's
 * compiler decides per scope which names are undefined until the scope assigns them: a name whose
 * first use in a scope is an unconditional {@code {% set %}}, and that no enclosing scope mentions,
 * hides any render variable of that name until the assignment runs — also for loops and macros
 * nested inside. {@link ScopeAnalysis} computes these names once, after parsing.
 */
final class Frame {
  private Set<String> undefinedAtEntry = Set.of();

  void undefinedAtEntry(Set<String> names) {
    this.undefinedAtEntry = Set.copyOf(names);
  }

  Set<String> undefinedAtEntry() {
    return undefinedAtEntry;
  }

  /** A new scope for this construct below {@code parent}. */
  Scope enter(Scope parent) {
    Scope scope = new Scope(parent);
    for (String name : undefinedAtEntry) {
      scope.set(name, Scope.MISSING);
    }
    return scope;
  }
}
