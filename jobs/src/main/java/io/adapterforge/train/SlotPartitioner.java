package io.adapterforge.train;

import org.apache.spark.Partitioner;

/**
 * Sends key {@code i} (a slot index) to partition {@code i}, so one task owns exactly one slot's
 * planned adapters (a hash partitioner could put two slots in one task).
 */
public final class SlotPartitioner extends Partitioner {
  private final int slots;

  /** A partitioner with one partition per slot. */
  public SlotPartitioner(int slots) {
    if (slots < 1) {
      throw new IllegalArgumentException("Cannot partition " + slots + " slots: must be positive");
    }
    this.slots = slots;
  }

  @Override
  public int numPartitions() {
    return slots;
  }

  @Override
  public int getPartition(Object key) {
    int slot = (Integer) key;
    if (slot < 0 || slot >= slots) {
      throw new IllegalArgumentException("Slot " + slot + " is outside [0, " + slots + ")");
    }
    return slot;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof SlotPartitioner && ((SlotPartitioner) other).slots == slots;
  }

  @Override
  public int hashCode() {
    return slots;
  }
}
