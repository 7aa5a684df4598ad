package dev.tandem.udfs.logic;

import java.math.BigInteger;
import java.util.Arrays;

/**
 * The exact sum of finite doubles, with subtraction: what leaves a window is taken out without a
 * trace, however many values came and went, so a window sum that returns to ~0 after values of
 * 1e9 is still right to the last bit. Every double is an integer multiple of 2^-1074; the sum is
 * held as that integer, in 32-bit digits kept in signed 64-bit chunks (a small "superaccumulator",
 * after Neal's xsum), so adding touches three chunks and carries are settled lazily. Only the
 * chunks a window's values use are allocated. The value is rounded once, correctly, when read.
 * Non-finite values are counted apart and dominate the result as IEEE addition would.
 */
public final class ExactSum {
    private static final int DIGIT = 32;
    private static final long DIGIT_MASK = 0xFFFF_FFFFL;
    /** Chunks absorb one 32-bit piece per operation; settle carries long before 2^31 of them. */
    private static final int SETTLE_EVERY = 1 << 30;
    private static final int MIN_EXPONENT = -1074;

    /** chunks[i] holds digit i + base, weighing 2^(32 (i + base) - 1074). */
    private long[] chunks = new long[0];
    private int base;
    private int unsettled;
    private long positiveInfinities;
    private long negativeInfinities;
    private long nans;

    public void add(double x) {
        accumulate(x, 1);
    }

    public void subtract(double x) {
        accumulate(x, -1);
    }

    /** Adds the exact square of x, as the two doubles x*x and its rounding error. */
    public void addSquare(double x) {
        double square = x * x;
        add(square);
        add(Math.fma(x, x, -square));
    }

    public void subtractSquare(double x) {
        double square = x * x;
        subtract(square);
        subtract(Math.fma(x, x, -square));
    }

    public ExactSum copy() {
        ExactSum c = new ExactSum();
        c.chunks = chunks.clone();
        c.base = base;
        c.unsettled = unsettled;
        c.positiveInfinities = positiveInfinities;
        c.negativeInfinities = negativeInfinities;
        c.nans = nans;
        return c;
    }

    /** Adds another exact sum (a summary of other values), exactly. */
    public void add(ExactSum other) {
        positiveInfinities += other.positiveInfinities;
        negativeInfinities += other.negativeInfinities;
        nans += other.nans;
        if (other.chunks.length == 0) {
            return;
        }
        long[] digits = other.settledCopy();
        settle(chunks);
        ensure(other.base, other.base + digits.length - 1);
        for (int i = 0; i < digits.length; i++) {
            chunks[other.base + i - base] += digits[i];
        }
        unsettled = 1;
    }

    /** Writes the sum (its exact digits), for keyed state. */
    public void write(java.io.DataOutput out) throws java.io.IOException {
        long[] digits = settledCopy();
        out.writeInt(base);
        out.writeInt(digits.length);
        for (long d : digits) {
            out.writeLong(d);
        }
        out.writeLong(positiveInfinities);
        out.writeLong(negativeInfinities);
        out.writeLong(nans);
    }

    public static ExactSum read(java.io.DataInput in) throws java.io.IOException {
        ExactSum s = new ExactSum();
        s.base = in.readInt();
        s.chunks = new long[in.readInt()];
        for (int i = 0; i < s.chunks.length; i++) {
            s.chunks[i] = in.readLong();
        }
        s.positiveInfinities = in.readLong();
        s.negativeInfinities = in.readLong();
        s.nans = in.readLong();
        return s;
    }

    private void accumulate(double x, int sign) {
        if (x == 0) {
            return;
        }
        if (!Double.isFinite(x)) {
            countNonFinite(x, sign);
            return;
        }
        long bits = Double.doubleToRawLongBits(x);
        long mantissa = bits & 0x000F_FFFF_FFFF_FFFFL;
        int exponent = (int) ((bits >>> 52) & 0x7FF);
        int position; // x = mantissa * 2^(position - 1074)
        if (exponent == 0) {
            position = 0;
        } else {
            mantissa |= 1L << 52;
            position = exponent - 1;
        }
        if (bits < 0) {
            sign = -sign;
        }
        int digit = position >>> 5;
        int shift = position & 31;
        ensure(digit, digit + 2);
        int i = digit - base;
        chunks[i] += sign * ((mantissa << shift) & DIGIT_MASK);
        chunks[i + 1] += sign * ((mantissa >>> (DIGIT - shift)) & DIGIT_MASK);
        if (shift > 0) {
            chunks[i + 2] += sign * (mantissa >>> (64 - shift));
        }
        if (++unsettled >= SETTLE_EVERY) {
            settle(chunks);
            unsettled = 0;
        }
    }

    /** Keeps count of the non-finite values present: adding one counts it, subtracting it uncounts it. */
    private void countNonFinite(double x, int sign) {
        if (Double.isNaN(x)) {
            nans += sign;
        } else if (x > 0) {
            positiveInfinities += sign;
        } else {
            negativeInfinities += sign;
        }
    }

    /** Grows the chunk array to cover digits {@code low..high}. */
    private void ensure(int low, int high) {
        if (chunks.length == 0) {
            base = low;
            chunks = new long[high - low + 2];
            return;
        }
        int top = base + chunks.length - 1;
        if (low >= base && high <= top) {
            return;
        }
        int newBase = Math.min(base, low);
        int newTop = Math.max(top, high + 1); // one spare digit above for carries
        long[] grown = new long[newTop - newBase + 1];
        System.arraycopy(chunks, 0, grown, base - newBase, chunks.length);
        chunks = grown;
        base = newBase;
    }

    /** Carries from low digits to high, so every chunk but the top one is a digit in [0, 2^32). */
    private static void settle(long[] c) {
        for (int i = 0; i < c.length - 1; i++) {
            long carry = c[i] >> DIGIT;
            c[i] &= DIGIT_MASK;
            c[i + 1] += carry;
        }
    }

    /** The sum, rounded to the nearest double (ties to even). */
    public double value() {
        if (nans > 0 || (positiveInfinities > 0 && negativeInfinities > 0)) {
            return Double.NaN;
        }
        if (positiveInfinities > 0) {
            return Double.POSITIVE_INFINITY;
        }
        if (negativeInfinities > 0) {
            return Double.NEGATIVE_INFINITY;
        }
        long[] digits = settledCopy();
        int top = topDigit(digits);
        if (top < 0) {
            return 0.0;
        }
        boolean negative = digits[top] < 0;
        if (negative) {
            negate(digits);
            top = topDigit(digits);
        }
        double magnitude = rounded(digits, top);
        return negative ? -magnitude : magnitude;
    }

    /** The exact sum as {@code unscaled * 2^exponent()} (finite values only). */
    public BigInteger unscaled() {
        long[] digits = settledCopy();
        BigInteger n = BigInteger.ZERO;
        for (int i = digits.length - 1; i >= 0; i--) {
            n = n.shiftLeft(DIGIT).add(BigInteger.valueOf(digits[i]));
        }
        return n;
    }

    public int exponent() {
        return DIGIT * base + MIN_EXPONENT;
    }

    public boolean hasNonFinite() {
        return nans > 0 || positiveInfinities > 0 || negativeInfinities > 0;
    }

    private long[] settledCopy() {
        long[] digits = Arrays.copyOf(chunks, chunks.length);
        settle(digits);
        return digits;
    }

    private static int topDigit(long[] digits) {
        for (int i = digits.length - 1; i >= 0; i--) {
            if (digits[i] != 0) {
                return i;
            }
        }
        return -1;
    }

    private static void negate(long[] digits) {
        for (int i = 0; i < digits.length; i++) {
            digits[i] = -digits[i];
        }
        settle(digits);
    }

    /** Settled, non-negative digits to the nearest double. */
    private double rounded(long[] d, int top) {
        int length = 64 - Long.numberOfLeadingZeros(d[top]); // 1..32 significant bits in the top digit
        long next = top >= 1 ? d[top - 1] : 0;
        long third = top >= 2 ? d[top - 2] : 0;
        long high = (d[top] << (64 - length)) | (next << (DIGIT - length)) | (third >>> length);
        boolean sticky = (third & ((1L << length) - 1)) != 0;
        for (int i = top - 3; i >= 0 && !sticky; i--) {
            sticky = d[i] != 0;
        }
        long mantissa = high >>> 11;
        long rest = high & 0x7FF;
        if (rest > 0x400 || (rest == 0x400 && (sticky || (mantissa & 1) == 1))) {
            mantissa++;
        }
        int msb = DIGIT * (top + base) + length - 1; // bit index of the leading one in the 2^-1074 integer
        return Math.scalb((double) mantissa, msb - 63 + 11 + MIN_EXPONENT);
    }
}
