package io.adapterforge.trainer;

/**
 * Counter-based random numbers: every value is a pure function of a key and an index, so a value
 * can be recomputed anywhere (a resumed run, another thread, the Python reference) without carrying
 * generator state. The mixing function is SplitMix64's finalizer (Steele, Lea and Flood; the one
 * {@link java.util.SplittableRandom} uses); keys are derived by chaining it over their parts.
 *
 * <p>Definitions (64-bit two's-complement arithmetic, {@code >>>} logical):
 *
 * <pre>
 * mix(z)        = z1 ^ (z1 >>> 31), z1 = (z0 ^ (z0 >>> 27)) * 0x94d049bb133111eb,
 *                                   z0 = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9
 * key(p0..pn)   = k_n, k_0 = mix(p0), k_i = mix(k_(i-1) + p_i)
 * uniform(k, i) = (mix(k + (i + 1) * 0x9e3779b97f4a7c15) >>> 40) * 2^-24     in [0, 1)
 * </pre>
 *
 * Stateless and thread-safe.
 */
public final class CounterRandom {
  /** The golden-ratio increment of SplitMix64. */
  private static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;

  private CounterRandom() {}

  /** SplitMix64's finalizer: a bijective 64-bit mix. */
  public static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  /** A key derived from its parts in order (a seed, then counters or tags). */
  public static long key(long first, long... rest) {
    long key = mix(first);
    for (long part : rest) {
      key = mix(key + part);
    }
    return key;
  }

  /**
   * The {@code index}-th uniform float of the stream {@code key}, a multiple of 2^-24 in [0, 1).
   */
  public static float uniform(long key, long index) {
    return (mix(key + (index + 1) * GOLDEN_GAMMA) >>> 40) * 0x1.0p-24f;
  }
}
