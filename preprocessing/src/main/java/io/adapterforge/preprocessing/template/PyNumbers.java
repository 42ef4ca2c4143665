package io.adapterforge.preprocessing.template;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Python numbers: {@code int} is a {@link Long}, or a {@link BigInteger} when it does not fit;
 * {@code float} is a {@link Double}; {@code bool} is a {@link Boolean} that counts as an int in
 * arithmetic. Float text follows Python's {@code repr}: the shortest digits that read back to the
 * same double, {@code 1e-05} and {@code 1e+16} style exponents, and a trailing {@code .0}.
 */
final class PyNumbers {
  /**
   * Python refuses to print ints of more digits than this (sys.int_info.default_max_str_digits).
   */
  private static final int MAX_INT_BITS = 14_300;

  private static final BigInteger LONG_MIN = BigInteger.valueOf(Long.MIN_VALUE);
  private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

  private PyNumbers() {}

  static boolean isInt(Object value) {
    return value instanceof Long || value instanceof BigInteger || value instanceof Boolean;
  }

  static boolean isNumber(Object value) {
    return isInt(value) || value instanceof Double;
  }

  /** A normalized Python int: a Long when it fits. */
  static Object normalize(BigInteger value) {
    if (value.compareTo(LONG_MIN) >= 0 && value.compareTo(LONG_MAX) <= 0) {
      return value.longValue();
    }
    if (value.bitLength() > MAX_INT_BITS) {
      throw PyException.limit("an integer of more than " + MAX_INT_BITS + " bits");
    }
    return value;
  }

  static BigInteger toBig(Object value) {
    if (value instanceof BigInteger) {
      return (BigInteger) value;
    }
    return BigInteger.valueOf(toLong(value));
  }

  /** The long value of a Long or Boolean. */
  static long toLong(Object value) {
    if (value instanceof Boolean) {
      return ((Boolean) value) ? 1 : 0;
    }
    return (Long) value;
  }

  static double toDouble(Object value) {
    if (value instanceof Double) {
      return (Double) value;
    }
    if (value instanceof BigInteger) {
      double d = ((BigInteger) value).doubleValue();
      if (Double.isInfinite(d)) {
        throw new PyException("OverflowError", "int too large to convert to float");
      }
      return d;
    }
    return toLong(value);
  }

  static Object add(Object a, Object b) {
    if (a instanceof Double || b instanceof Double) {
      return toDouble(a) + toDouble(b);
    }
    if (a instanceof BigInteger || b instanceof BigInteger) {
      return normalize(toBig(a).add(toBig(b)));
    }
    long x = toLong(a);
    long y = toLong(b);
    long r = x + y;
    if (((x ^ r) & (y ^ r)) < 0) {
      return normalize(BigInteger.valueOf(x).add(BigInteger.valueOf(y)));
    }
    return r;
  }

  static Object sub(Object a, Object b) {
    if (a instanceof Double || b instanceof Double) {
      return toDouble(a) - toDouble(b);
    }
    if (a instanceof BigInteger || b instanceof BigInteger) {
      return normalize(toBig(a).subtract(toBig(b)));
    }
    long x = toLong(a);
    long y = toLong(b);
    long r = x - y;
    if (((x ^ y) & (x ^ r)) < 0) {
      return normalize(BigInteger.valueOf(x).subtract(BigInteger.valueOf(y)));
    }
    return r;
  }

  static Object mul(Object a, Object b) {
    if (a instanceof Double || b instanceof Double) {
      return toDouble(a) * toDouble(b);
    }
    if (a instanceof BigInteger || b instanceof BigInteger) {
      return normalize(toBig(a).multiply(toBig(b)));
    }
    long x = toLong(a);
    long y = toLong(b);
    long hi = Math.multiplyHigh(x, y);
    long lo = x * y;
    if ((hi == 0 && lo >= 0) || (hi == -1 && lo < 0)) {
      return lo;
    }
    return normalize(BigInteger.valueOf(x).multiply(BigInteger.valueOf(y)));
  }

  static Object trueDiv(Object a, Object b) {
    if (isInt(a) && isInt(b)) {
      BigInteger y = toBig(b);
      if (y.signum() == 0) {
        throw zeroDivision("division by zero");
      }
      if (a instanceof BigInteger || b instanceof BigInteger) {
        return new BigDecimal(toBig(a))
            .divide(new BigDecimal(y), new MathContext(60))
            .doubleValue();
      }
      return (double) toLong(a) / (double) toLong(b);
    }
    double y = toDouble(b);
    if (y == 0.0) {
      throw zeroDivision("float division by zero");
    }
    return toDouble(a) / y;
  }

  static Object floorDiv(Object a, Object b) {
    if (isInt(a) && isInt(b)) {
      if (a instanceof BigInteger || b instanceof BigInteger) {
        BigInteger y = toBig(b);
        if (y.signum() == 0) {
          throw zeroDivision("integer division or modulo by zero");
        }
        BigInteger[] qr = toBig(a).divideAndRemainder(y);
        BigInteger q = qr[0];
        if (qr[1].signum() != 0 && (qr[1].signum() != y.signum())) {
          q = q.subtract(BigInteger.ONE);
        }
        return normalize(q);
      }
      long y = toLong(b);
      if (y == 0) {
        throw zeroDivision("integer division or modulo by zero");
      }
      long x = toLong(a);
      if (x == Long.MIN_VALUE && y == -1) {
        return normalize(BigInteger.valueOf(x).negate());
      }
      return Math.floorDiv(x, y);
    }
    double y = toDouble(b);
    if (y == 0.0) {
      throw zeroDivision("float floor division by zero");
    }
    return floatDivmod(toDouble(a), y)[0];
  }

  static Object mod(Object a, Object b) {
    if (isInt(a) && isInt(b)) {
      if (a instanceof BigInteger || b instanceof BigInteger) {
        BigInteger y = toBig(b);
        if (y.signum() == 0) {
          throw zeroDivision("integer modulo by zero");
        }
        BigInteger r = toBig(a).mod(y.abs());
        if (y.signum() < 0 && r.signum() != 0) {
          r = r.add(y);
        }
        return normalize(r);
      }
      long y = toLong(b);
      if (y == 0) {
        throw zeroDivision("integer modulo by zero");
      }
      return Math.floorMod(toLong(a), y);
    }
    double y = toDouble(b);
    if (y == 0.0) {
      throw zeroDivision("float modulo");
    }
    return floatDivmod(toDouble(a), y)[1];
  }

  /** CPython's {@code float_divmod}: floor quotient and a remainder with the divisor's sign. */
  private static double[] floatDivmod(double vx, double wx) {
    double mod = vx % wx;
    double div = (vx - mod) / wx;
    if (mod != 0.0) {
      if ((wx < 0) != (mod < 0)) {
        mod += wx;
        div -= 1.0;
      }
    } else {
      mod = Math.copySign(0.0, wx);
    }
    double floordiv;
    if (div != 0.0) {
      floordiv = Math.floor(div);
      if (div - floordiv > 0.5) {
        floordiv += 1.0;
      }
    } else {
      floordiv = Math.copySign(0.0, vx / wx);
    }
    return new double[] {floordiv, mod};
  }

  static Object pow(Object a, Object b) {
    if (isInt(a) && isInt(b)) {
      BigInteger exponent = toBig(b);
      if (exponent.signum() >= 0) {
        BigInteger base = toBig(a);
        if (base.abs().compareTo(BigInteger.ONE) <= 0) {
          if (base.signum() == 0) {
            return exponent.signum() == 0 ? 1L : 0L;
          }
          if (base.signum() > 0) {
            return 1L;
          }
          return exponent.testBit(0) ? -1L : 1L;
        }
        if (exponent.bitLength() > 31
            || (long) base.bitLength() * exponent.longValue() > MAX_INT_BITS) {
          throw PyException.limit("an integer of more than " + MAX_INT_BITS + " bits");
        }
        return normalize(base.pow(exponent.intValue()));
      }
    }
    double x = toDouble(a);
    double y = toDouble(b);
    if (x == 0.0 && y < 0) {
      throw zeroDivision("0.0 cannot be raised to a negative power");
    }
    if (x < 0 && y != Math.rint(y) && !Double.isInfinite(y)) {
      throw PyException.valueError("a negative number raised to a fractional power is complex");
    }
    double r = Math.pow(x, y);
    if (Double.isInfinite(r) && !Double.isInfinite(x) && !Double.isInfinite(y)) {
      throw new PyException("OverflowError", "(34, 'Numerical result out of range')");
    }
    return r;
  }

  static Object negate(Object a) {
    if (a instanceof Double) {
      return -(Double) a;
    }
    if (a instanceof BigInteger) {
      return normalize(((BigInteger) a).negate());
    }
    long x = toLong(a);
    if (x == Long.MIN_VALUE) {
      return normalize(BigInteger.valueOf(x).negate());
    }
    return -x;
  }

  /** Numeric comparison with Python's exact int/float semantics; NaN compares as unordered. */
  static int compare(Object a, Object b) {
    if (a instanceof Double || b instanceof Double) {
      double x = toDoubleExact(a);
      double y = toDoubleExact(b);
      if (isInt(a) && !Double.isNaN(y) && !Double.isInfinite(y)) {
        return new BigDecimal(toBig(a)).compareTo(new BigDecimal(y));
      }
      if (isInt(b) && !Double.isNaN(x) && !Double.isInfinite(x)) {
        return new BigDecimal(x).compareTo(new BigDecimal(toBig(b)));
      }
      return Double.compare(x, y);
    }
    if (a instanceof BigInteger || b instanceof BigInteger) {
      return toBig(a).compareTo(toBig(b));
    }
    return Long.compare(toLong(a), toLong(b));
  }

  private static double toDoubleExact(Object value) {
    if (value instanceof Double) {
      return (Double) value;
    }
    if (value instanceof BigInteger) {
      return ((BigInteger) value).doubleValue();
    }
    return toLong(value);
  }

  static boolean numericEquals(Object a, Object b) {
    if ((a instanceof Double && Double.isNaN((Double) a))
        || (b instanceof Double && Double.isNaN((Double) b))) {
      return false;
    }
    return compare(a, b) == 0;
  }

  private static PyException zeroDivision(String message) {
    return new PyException("ZeroDivisionError", message);
  }

  /** Python's {@code repr(float)}. */
  static String floatRepr(double value) {
    if (Double.isNaN(value)) {
      return "nan";
    }
    if (Double.isInfinite(value)) {
      return value > 0 ? "inf" : "-inf";
    }
    if (value == 0.0) {
      return (1 / value < 0) ? "-0.0" : "0.0";
    }
    String sign = value < 0 ? "-" : "";
    BigDecimal shortest = shortest(Math.abs(value));
    String digits = shortest.unscaledValue().toString();
    // value = 0.digits * 10^decpt
    int decpt = digits.length() - shortest.scale();
    int n = digits.length();
    StringBuilder out = new StringBuilder(sign);
    if (decpt <= -4 || decpt > 16) {
      out.append(digits.charAt(0));
      if (n > 1) {
        out.append('.').append(digits, 1, n);
      }
      int exp = decpt - 1;
      out.append('e').append(exp < 0 ? '-' : '+');
      String e = Integer.toString(Math.abs(exp));
      if (e.length() < 2) {
        out.append('0');
      }
      out.append(e);
    } else if (decpt <= 0) {
      out.append("0.");
      out.append("0".repeat(-decpt));
      out.append(digits);
    } else if (decpt >= n) {
      out.append(digits).append("0".repeat(decpt - n)).append(".0");
    } else {
      out.append(digits, 0, decpt).append('.').append(digits, decpt, n);
    }
    return out.toString();
  }

  /**
   * The shortest decimal that reads back as {@code value} and, among those, the closest to it —
   * what Python's repr (David Gay's algorithm) prints. Trailing zeros are stripped. Java's own
   * {@code Double.toString} round-trips but is not always the shortest before JDK 19, so it only
   * gives the starting precision; fewer digits are tried while they still read back.
   */
  private static BigDecimal shortest(double value) {
    BigDecimal exact = new BigDecimal(value);
    int start = significantDigits(Double.toString(value));
    BigDecimal best = null;
    for (int precision = start; precision >= 1; precision--) {
      BigDecimal candidate = closestReadingBack(exact, value, precision);
      if (candidate == null) {
        break;
      }
      best = candidate;
    }
    for (int precision = start + 1; best == null && precision <= 17; precision++) {
      best = closestReadingBack(exact, value, precision);
    }
    return best.stripTrailingZeros();
  }

  /** The {@code precision}-digit decimal closest to {@code exact} that reads back, or null. */
  private static BigDecimal closestReadingBack(BigDecimal exact, double value, int precision) {
    BigDecimal rounded = exact.round(new MathContext(precision, RoundingMode.HALF_EVEN));
    if (rounded.doubleValue() == value) {
      return rounded;
    }
    // Near a power of two the rounding interval is lopsided: a neighbour may read back.
    BigDecimal best = null;
    BigDecimal ulp = rounded.ulp();
    for (BigDecimal candidate : new BigDecimal[] {rounded.add(ulp), rounded.subtract(ulp)}) {
      if (candidate.signum() > 0 && candidate.doubleValue() == value) {
        if (best == null
            || candidate.subtract(exact).abs().compareTo(best.subtract(exact).abs()) < 0) {
          best = candidate;
        }
      }
    }
    return best;
  }

  /** The number of significant digits in Java's text of a positive finite double. */
  private static int significantDigits(String javaText) {
    int e = javaText.indexOf('E');
    String mantissa = (e < 0 ? javaText : javaText.substring(0, e)).replace(".", "");
    int from = 0;
    while (from < mantissa.length() - 1 && mantissa.charAt(from) == '0') {
      from++;
    }
    int to = mantissa.length();
    while (to > from + 1 && mantissa.charAt(to - 1) == '0') {
      to--;
    }
    return to - from;
  }
}
