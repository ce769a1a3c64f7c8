package dev.detopt.model.stats;

import tools.jackson.databind.annotation.JsonDeserialize;
import tools.jackson.databind.annotation.JsonSerialize;

import java.math.BigInteger;
import java.util.Arrays;

/**
 * An exact sum of doubles (a "superaccumulator"): every finite double is added into a fixed-point
 * integer wide enough for the whole double range, so the sum does not depend on the order of the
 * additions or on how they were split into partial sums. That is what lets a batch be split across
 * threads, checkpointed, resumed and merged with a bit-identical result. The value is rounded to a
 * double only when read.
 *
 * <p>Representation: value = Σ digits[k]·2^(32k − 1074). Each digit is a long that holds a 32-bit
 * digit plus carry headroom; carries are propagated every {@link #NORMALIZE_EVERY} additions and
 * before reading or serialising, which makes the representation canonical.
 */
public final class ExactSum {
    static final int DIGITS = 68; // 2098 bits of the double range + carry and sign headroom
    private static final long MASK32 = 0xFFFF_FFFFL;
    private static final int NORMALIZE_EVERY = 1 << 29;

    private final long[] digits = new long[DIGITS];
    private int pendingAdds;
    private long nanCount;
    private long positiveInfinities;
    private long negativeInfinities;

    public void add(double x) {
        long bits = Double.doubleToRawLongBits(x);
        int biasedExponent = (int) ((bits >>> 52) & 0x7FF);
        long mantissa = bits & 0x000F_FFFF_FFFF_FFFFL;
        if (biasedExponent == 0x7FF) {
            if (mantissa != 0) {
                nanCount++;
            } else if (bits < 0) {
                negativeInfinities++;
            } else {
                positiveInfinities++;
            }
            return;
        }
        int position;
        if (biasedExponent == 0) {
            if (mantissa == 0) {
                return;
            }
            position = 0;
        } else {
            mantissa |= 1L << 52;
            position = biasedExponent - 1;
        }
        int index = position >>> 5;
        int shift = position & 31;
        long shifted = mantissa << shift;
        long d0 = shifted & MASK32;
        long d1 = shifted >>> 32;
        long d2 = shift == 0 ? 0 : mantissa >>> (64 - shift);
        if (bits < 0) {
            digits[index] -= d0;
            digits[index + 1] -= d1;
            digits[index + 2] -= d2;
        } else {
            digits[index] += d0;
            digits[index + 1] += d1;
            digits[index + 2] += d2;
        }
        if (++pendingAdds >= NORMALIZE_EVERY) {
            normalize();
        }
    }

    /** Adds another exact sum; exact, so merge order does not matter. */
    public void add(ExactSum other) {
        other.normalize();
        for (int k = 0; k < DIGITS; k++) {
            digits[k] += other.digits[k];
        }
        nanCount += other.nanCount;
        positiveInfinities += other.positiveInfinities;
        negativeInfinities += other.negativeInfinities;
        // each digit of other is < 2^32 in magnitude after normalisation: one addition's worth
        if (++pendingAdds >= NORMALIZE_EVERY) {
            normalize();
        }
    }

    /** Propagates carries so digits 0..DIGITS-2 lie in [0, 2^32) and the top digit holds the sign. */
    void normalize() {
        long carry = 0;
        for (int k = 0; k < DIGITS - 1; k++) {
            long v = digits[k] + carry;
            carry = v >> 32;
            digits[k] = v & MASK32;
        }
        digits[DIGITS - 1] += carry;
        pendingAdds = 0;
    }

    public boolean isZero() {
        normalize();
        if (nanCount != 0 || positiveInfinities != 0 || negativeInfinities != 0) {
            return false;
        }
        for (long d : digits) {
            if (d != 0) {
                return false;
            }
        }
        return true;
    }

    /** The exact sum rounded to the nearest double (ties to even; sums that overflow give ±∞). */
    public double value() {
        if (nanCount > 0 || (positiveInfinities > 0 && negativeInfinities > 0)) {
            return Double.NaN;
        }
        if (positiveInfinities > 0) {
            return Double.POSITIVE_INFINITY;
        }
        if (negativeInfinities > 0) {
            return Double.NEGATIVE_INFINITY;
        }
        BigInteger exact = toBigInteger();
        int signum = exact.signum();
        if (signum == 0) {
            return 0.0;
        }
        BigInteger magnitude = exact.abs();
        int bitLength = magnitude.bitLength();
        double rounded;
        if (bitLength <= 63) {
            rounded = Math.scalb((double) magnitude.longValue(), -1074);
        } else {
            int drop = bitLength - 63;
            long top = magnitude.shiftRight(drop).longValue();
            if (magnitude.getLowestSetBit() < drop) {
                top |= 1; // sticky bit: 10 guard bits below the 53-bit mantissa keep rounding exact
            }
            rounded = Math.scalb((double) top, drop - 1074);
        }
        return signum < 0 ? -rounded : rounded;
    }

    BigInteger toBigInteger() {
        normalize();
        int top = DIGITS - 1;
        while (top > 0 && digits[top] == 0) {
            top--;
        }
        BigInteger v = BigInteger.valueOf(digits[top]);
        for (int k = top - 1; k >= 0; k--) {
            v = v.shiftLeft(32).add(BigInteger.valueOf(digits[k]));
        }
        return v;
    }

    /** Canonical, compact serial form; {@link #fromState} restores an identical sum. */
    public State state() {
        normalize();
        int low = 0;
        while (low < DIGITS && digits[low] == 0) {
            low++;
        }
        int high = DIGITS - 1;
        while (high >= low && digits[high] == 0) {
            high--;
        }
        long[] span = low > high ? new long[0] : Arrays.copyOfRange(digits, low, high + 1);
        return new State(low > high ? 0 : low, span, nanCount, positiveInfinities, negativeInfinities);
    }

    public static ExactSum fromState(State state) {
        ExactSum sum = new ExactSum();
        long[] span = state.digits();
        if (state.offset() < 0 || state.offset() + span.length > DIGITS) {
            throw new IllegalArgumentException("exact-sum state has digits outside the double range");
        }
        for (int i = 0; i < span.length; i++) {
            long d = span[i];
            boolean topDigit = state.offset() + i == DIGITS - 1;
            if (!topDigit && (d < 0 || d > MASK32)) {
                throw new IllegalArgumentException("exact-sum state is not normalised");
            }
            sum.digits[state.offset() + i] = d;
        }
        if (state.nan() < 0 || state.positiveInfinities() < 0 || state.negativeInfinities() < 0) {
            throw new IllegalArgumentException("exact-sum state has negative special counts");
        }
        sum.nanCount = state.nan();
        sum.positiveInfinities = state.positiveInfinities();
        sum.negativeInfinities = state.negativeInfinities();
        return sum;
    }

    public ExactSum copy() {
        return fromState(state());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ExactSum other && state().equals(other.state());
    }

    @Override
    public int hashCode() {
        return state().hashCode();
    }

    @Override
    public String toString() {
        return Double.toString(value());
    }

    /**
     * Serial form: 32-bit digits starting at digit {@code offset}, plus counts of non-finite
     * inputs. In JSON it is the compact string of {@link ExactSumStateJson}.
     */
    @JsonSerialize(using = ExactSumStateJson.Serializer.class)
    @JsonDeserialize(using = ExactSumStateJson.Deserializer.class)
    public record State(int offset, long[] digits, long nan, long positiveInfinities, long negativeInfinities) {
        @Override
        public boolean equals(Object o) {
            return o instanceof State s && offset == s.offset && Arrays.equals(digits, s.digits)
                    && nan == s.nan && positiveInfinities == s.positiveInfinities
                    && negativeInfinities == s.negativeInfinities;
        }

        @Override
        public int hashCode() {
            return 31 * (31 * offset + Arrays.hashCode(digits)) + Long.hashCode(nan + 7 * positiveInfinities + 13 * negativeInfinities);
        }

        @Override
        public String toString() {
            return "State[offset=" + offset + ", digits=" + Arrays.toString(digits) + ", nan=" + nan
                    + ", +inf=" + positiveInfinities + ", -inf=" + negativeInfinities + "]";
        }
    }
}
