package io.adapterforge.trainer.plan;

import static java.util.Objects.requireNonNull;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * An assignment of adapters to training slots by longest-processing-time-first (LPT, Graham 1969):
 * adapters sorted by decreasing {@link AdapterWork#work()} (ties by id, so a plan is a pure
 * function of its input), each given to the slot with the least work so far (ties to the lowest
 * slot index). Each slot trains its adapters one after another, in that order.
 *
 * <p>LPT's makespan (the busiest slot's work) is at most {@code (4/3 − 1/(3·slots))} times the
 * optimum. {@link #lowerBound()} is a bound on the optimum that can be computed: {@code
 * max(total/slots, largest adapter, p[slots-1] + p[slots])} (the last term: with more adapters than
 * slots two of the {@code slots+1} largest share a slot). Immutable and serializable.
 *
 * @param slots every slot, by index, each with its adapters in training order
 */
public record TrainPlan(List<Slot> slots) implements Serializable {
  public TrainPlan {
    requireNonNull(slots, "slots is null");
    if (slots.isEmpty()) {
      throw new IllegalArgumentException("Cannot make a plan without slots");
    }
    slots = List.copyOf(slots);
    for (int i = 0; i < slots.size(); i++) {
      if (slots.get(i).index() != i) {
        throw new IllegalArgumentException(
            "Cannot make a plan whose slot " + i + " has index " + slots.get(i).index());
      }
    }
  }

  /**
   * One slot's share of the plan.
   *
   * @param index the slot's index, from 0 (also the Spark partition that trains it)
   * @param adapters its adapters, in training order
   */
  public record Slot(int index, List<AdapterWork> adapters) implements Serializable {
    public Slot {
      requireNonNull(adapters, "adapters is null");
      adapters = List.copyOf(adapters);
    }

    /** The sum of its adapters' work. */
    public long work() {
      return adapters.stream().mapToLong(AdapterWork::work).sum();
    }
  }

  /**
   * Assigns {@code adapters} to {@code slots} slots by LPT.
   *
   * @throws IllegalArgumentException if {@code slots} is not positive or an adapter id repeats
   */
  public static TrainPlan assign(List<AdapterWork> adapters, int slots) {
    requireNonNull(adapters, "adapters is null");
    if (slots < 1) {
      throw new IllegalArgumentException("Cannot plan for " + slots + " slots: must be positive");
    }
    Set<String> ids = new HashSet<>();
    for (AdapterWork adapter : adapters) {
      if (!ids.add(adapter.adapterId())) {
        throw new IllegalArgumentException("Cannot plan adapter " + adapter.adapterId() + " twice");
      }
    }
    List<AdapterWork> order = new ArrayList<>(adapters);
    order.sort(
        Comparator.comparingLong(AdapterWork::work)
            .reversed()
            .thenComparing(AdapterWork::adapterId));
    List<List<AdapterWork>> assigned = new ArrayList<>();
    // Entries: {load, slot index}; least load first, then lowest index.
    PriorityQueue<long[]> loads =
        new PriorityQueue<>(
            Comparator.<long[]>comparingLong(entry -> entry[0])
                .thenComparingLong(entry -> entry[1]));
    for (int i = 0; i < slots; i++) {
      assigned.add(new ArrayList<>());
      loads.add(new long[] {0, i});
    }
    for (AdapterWork adapter : order) {
      long[] least = loads.poll();
      assigned.get((int) least[1]).add(adapter);
      loads.add(new long[] {least[0] + adapter.work(), least[1]});
    }
    List<Slot> result = new ArrayList<>();
    for (int i = 0; i < slots; i++) {
      result.add(new Slot(i, assigned.get(i)));
    }
    return new TrainPlan(result);
  }

  /** The number of slots. */
  public int slotCount() {
    return slots.size();
  }

  /** Every adapter of the plan, slot by slot. */
  public List<AdapterWork> adapters() {
    List<AdapterWork> all = new ArrayList<>();
    slots.forEach(slot -> all.addAll(slot.adapters()));
    return all;
  }

  /** The slot that trains {@code adapterId}, if it is in the plan. */
  public Optional<Slot> slotOf(String adapterId) {
    return slots.stream()
        .filter(slot -> slot.adapters().stream().anyMatch(a -> a.adapterId().equals(adapterId)))
        .findFirst();
  }

  /** The sum of every adapter's work. */
  public long totalWork() {
    return slots.stream().mapToLong(Slot::work).sum();
  }

  /** The busiest slot's work: the plan's length. */
  public long makespan() {
    return slots.stream().mapToLong(Slot::work).max().orElse(0);
  }

  /**
   * A lower bound on the makespan of any assignment: {@code max(total/slots, largest adapter,
   * p[slots-1] + p[slots])}, with {@code p} the works in decreasing order (the last term only when
   * there are more adapters than slots).
   */
  public double lowerBound() {
    List<Long> works = new ArrayList<>();
    adapters().forEach(adapter -> works.add(adapter.work()));
    works.sort(Comparator.reverseOrder());
    double bound = (double) totalWork() / slots.size();
    if (!works.isEmpty()) {
      bound = Math.max(bound, works.get(0));
    }
    if (works.size() > slots.size()) {
      bound = Math.max(bound, works.get(slots.size() - 1) + works.get(slots.size()));
    }
    return bound;
  }

  /** {@link #makespan()} over {@link #lowerBound()}; 1 for an empty plan. */
  public double ratioToLowerBound() {
    double bound = lowerBound();
    return bound == 0 ? 1 : makespan() / bound;
  }

  /**
   * The plan as text for a log: a header with the makespan beside the lower bound, then one line
   * per slot with its work and adapters (id and work) in training order.
   */
  public String render() {
    StringBuilder text = new StringBuilder();
    text.append(
        String.format(
            Locale.ROOT,
            "Plan: %d adapters on %d slots, %,d trained tokens; makespan %,d vs lower bound %,.0f"
                + " (ratio %.3f)%n",
            adapters().size(),
            slots.size(),
            totalWork(),
            makespan(),
            lowerBound(),
            ratioToLowerBound()));
    for (Slot slot : slots) {
      text.append(String.format(Locale.ROOT, "  slot %d: %,d tokens:", slot.index(), slot.work()));
      for (AdapterWork adapter : slot.adapters()) {
        text.append(String.format(Locale.ROOT, " %s (%,d)", adapter.adapterId(), adapter.work()));
      }
      text.append(System.lineSeparator());
    }
    return text.toString();
  }
}
