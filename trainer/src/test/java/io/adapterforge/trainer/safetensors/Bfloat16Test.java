package io.adapterforge.trainer.safetensors;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class Bfloat16Test {
  @Test
  void widensExactlyByAppendingSixteenZeroBits() {
    for (float value : new float[] {0f, -0f, 1f, -2.5f, 3.140625f, Float.POSITIVE_INFINITY}) {
      short bits = (short) (Float.floatToRawIntBits(value) >>> 16);
      assertThat(Bfloat16.toFloat(bits)).isEqualTo(value);
    }
  }

  @Test
  void narrowsToNearestAndTiesToEven() {
    // 1 + 2^-8 lies halfway between bfloat16 1.0 (even) and 1.0078125 (odd): ties go to even.
    assertThat(Bfloat16.fromFloat(Float.intBitsToFloat(0x3F808000))).isEqualTo((short) 0x3F80);
    // Halfway between 0x3F81 (odd) and 0x3F82 (even): up to even.
    assertThat(Bfloat16.fromFloat(Float.intBitsToFloat(0x3F818000))).isEqualTo((short) 0x3F82);
    // Just above halfway rounds up, just below rounds down.
    assertThat(Bfloat16.fromFloat(Float.intBitsToFloat(0x3F808001))).isEqualTo((short) 0x3F81);
    assertThat(Bfloat16.fromFloat(Float.intBitsToFloat(0x3F807FFF))).isEqualTo((short) 0x3F80);
  }

  @Test
  void keepsInfinityAndMakesNanQuiet() {
    assertThat(Bfloat16.fromFloat(Float.NEGATIVE_INFINITY)).isEqualTo((short) 0xFF80);
    // A NaN whose payload sits in the low bits must not round into infinity.
    float lowPayloadNan = Float.intBitsToFloat(0x7F800001);
    assertThat(Float.isNaN(Bfloat16.toFloat(Bfloat16.fromFloat(lowPayloadNan)))).isTrue();
  }

  @Test
  void convertsBuffersBothWays() {
    float[] values = {-1.5f, 0.25f, 1024f, -0.0078125f};
    ByteBuffer floats = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
    for (float value : values) {
      floats.putFloat(value);
    }
    floats.flip();
    ByteBuffer halves = ByteBuffer.allocate(8);
    Bfloat16.narrow(floats, halves);
    assertThat(halves.position()).isEqualTo(8);
    halves.flip();
    ByteBuffer back = ByteBuffer.allocate(16);
    Bfloat16.widen(halves, back);
    back.flip();
    back.order(ByteOrder.LITTLE_ENDIAN);
    for (float value : values) {
      assertThat(back.getFloat()).isEqualTo(value);
    }
  }
}
