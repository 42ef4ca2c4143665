package io.adapterforge.trainer.model;

import static java.util.Objects.requireNonNull;

/**
 * Rotary position embedding parameters of one kind of layer.
 *
 * @param type the variant
 * @param theta the base ({@code rope_theta}, or {@code rope_local_base_freq} for Gemma 3's sliding
 *     layers)
 * @param factor the scaling factor ({@link RopeType#LINEAR}, {@link RopeType#LLAMA3}); 1 otherwise
 * @param lowFreqFactor {@link RopeType#LLAMA3} only; 0 otherwise
 * @param highFreqFactor {@link RopeType#LLAMA3} only; 0 otherwise
 * @param originalMaxPositionEmbeddings {@link RopeType#LLAMA3} only; 0 otherwise
 */
public record RopeParameters(
    RopeType type,
    double theta,
    double factor,
    double lowFreqFactor,
    double highFreqFactor,
    int originalMaxPositionEmbeddings) {
  public RopeParameters {
    requireNonNull(type, "type is null");
    check(theta > 0, "rope_theta", theta, "must be positive");
    check(factor > 0, "factor", factor, "must be positive");
    if (type == RopeType.LLAMA3) {
      check(lowFreqFactor > 0, "low_freq_factor", lowFreqFactor, "must be positive");
      check(
          highFreqFactor > lowFreqFactor,
          "high_freq_factor",
          highFreqFactor,
          "must exceed low_freq_factor " + lowFreqFactor);
      check(
          originalMaxPositionEmbeddings > 0,
          "original_max_position_embeddings",
          originalMaxPositionEmbeddings,
          "must be positive");
    }
  }

  /** Plain RoPE with base {@code theta}. */
  public static RopeParameters unscaled(double theta) {
    return new RopeParameters(RopeType.DEFAULT, theta, 1, 0, 0, 0);
  }

  /**
   * The inverse frequencies for a head dimension, {@code headDim / 2} values, as transformers' rope
   * init functions compute them (in double precision, rounded once to float).
   */
  public float[] inverseFrequencies(int headDim) {
    if (headDim <= 0 || headDim % 2 != 0) {
      throw new IllegalArgumentException("Cannot use head_dim " + headDim + ": must be even");
    }
    float[] result = new float[headDim / 2];
    double lowFreqWavelength = originalMaxPositionEmbeddings / lowFreqFactor;
    double highFreqWavelength = originalMaxPositionEmbeddings / highFreqFactor;
    for (int i = 0; i < result.length; i++) {
      double inverse = 1.0 / Math.pow(theta, (2.0 * i) / headDim);
      switch (type) {
        case DEFAULT:
          break;
        case LINEAR:
          inverse /= factor;
          break;
        case LLAMA3:
          double wavelength = 2 * Math.PI / inverse;
          if (wavelength > lowFreqWavelength) {
            inverse /= factor;
          } else if (wavelength >= highFreqWavelength) {
            double smooth =
                (originalMaxPositionEmbeddings / wavelength - lowFreqFactor)
                    / (highFreqFactor - lowFreqFactor);
            inverse = (1 - smooth) * inverse / factor + smooth * inverse;
          }
          break;
        default:
          throw new IllegalStateException("Unknown rope type " + type);
      }
      result[i] = (float) inverse;
    }
    return result;
  }

  private static void check(boolean condition, String field, Object value, String rule) {
    if (!condition) {
      throw new IllegalArgumentException("Cannot use " + field + " " + value + ": " + rule);
    }
  }
}
