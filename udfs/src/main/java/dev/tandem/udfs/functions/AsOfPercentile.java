package dev.tandem.udfs.functions;

import dev.tandem.udfs.logic.EarlierValues;
import dev.tandem.udfs.logic.FeatureMath;
import java.math.BigDecimal;
import java.time.Instant;
import org.apache.flink.table.annotation.DataTypeHint;
import org.apache.flink.table.annotation.FunctionHint;
import org.apache.flink.table.functions.AggregateFunction;

/**
 * {@code ASOF_PERCENTILE(event_time, value, q) OVER w}: the nearest-rank percentile (Tandem's
 * {@code percentile}, DuckDB's {@code quantile_disc}) of the non-NULL values of the rows of a
 * time-ordered frame strictly before the current row's time (TIMESTAMP_LTZ or epoch milliseconds);
 * NULL when there are none. q is a
 * constant, 0 < q <= 1, read as its decimal spelling (0.07 is seven hundredths exactly). Flink's
 * own {@code PERCENTILE} interpolates, and reads the current row.
 */
@FunctionHint(accumulator = @DataTypeHint(value = "RAW", bridgedTo = AsOfPercentile.Ranks.class))
public final class AsOfPercentile extends AggregateFunction<Double, AsOfPercentile.Ranks> {

    /** The earlier values in order, and the q asked for. */
    public static final class Ranks {
        public EarlierValues values = new EarlierValues(false, true);
        public long qBillionths;
    }

    @Override
    public Ranks createAccumulator() {
        return new Ranks();
    }

    public void accumulate(Ranks acc, @DataTypeHint("TIMESTAMP_LTZ(3)") Instant time, Double value, Double q) {
        accumulate(acc, time.toEpochMilli(), value, q);
    }

    public void accumulate(Ranks acc, Long epochMillis, Double value, Double q) {
        acc.qBillionths = billionths(q);
        acc.values.add(epochMillis, value == null ? Double.NaN : value);
    }

    public void retract(Ranks acc, @DataTypeHint("TIMESTAMP_LTZ(3)") Instant time, Double value, Double q) {
        retract(acc, time.toEpochMilli(), value, q);
    }

    public void retract(Ranks acc, Long epochMillis, Double value, Double q) {
        acc.values.remove(epochMillis, value == null ? Double.NaN : value);
    }

    @Override
    public Double getValue(Ranks acc) {
        return Doubles.nanToNull(acc.values.percentile(acc.qBillionths));
    }

    private static long billionths(Double q) {
        if (q == null || !(q > 0 && q <= 1)) {
            throw new IllegalArgumentException("ASOF_PERCENTILE: q must be in (0, 1], got " + q);
        }
        return FeatureMath.billionths(BigDecimal.valueOf(q));
    }
}
