package dev.tandem.udfs.functions;

import dev.tandem.udfs.logic.EarlierValues;
import java.time.Instant;
import org.apache.flink.table.annotation.DataTypeHint;
import org.apache.flink.table.annotation.FunctionHint;
import org.apache.flink.table.functions.AggregateFunction;

/**
 * {@code ASOF_AVG(event_time, value) OVER w}: the mean of the non-NULL values of the rows of a
 * time-ordered frame strictly before the current row's time, summed exactly (Tandem's {@code avg});
 * NULL when there are none. Pass the frame's order column as {@code event_time} (TIMESTAMP_LTZ or
 * epoch milliseconds).
 */
@FunctionHint(accumulator = @DataTypeHint(value = "RAW", bridgedTo = EarlierValues.class))
public final class AsOfAvg extends AggregateFunction<Double, EarlierValues> {
    @Override
    public EarlierValues createAccumulator() {
        return new EarlierValues(true, false);
    }

    public void accumulate(EarlierValues acc, @DataTypeHint("TIMESTAMP_LTZ(3)") Instant time, Double value) {
        accumulate(acc, time.toEpochMilli(), value);
    }

    public void accumulate(EarlierValues acc, Long epochMillis, Double value) {
        acc.add(epochMillis, value == null ? Double.NaN : value);
    }

    public void retract(EarlierValues acc, @DataTypeHint("TIMESTAMP_LTZ(3)") Instant time, Double value) {
        retract(acc, time.toEpochMilli(), value);
    }

    public void retract(EarlierValues acc, Long epochMillis, Double value) {
        acc.remove(epochMillis, value == null ? Double.NaN : value);
    }

    @Override
    public Double getValue(EarlierValues acc) {
        return Doubles.nanToNull(acc.mean());
    }
}
