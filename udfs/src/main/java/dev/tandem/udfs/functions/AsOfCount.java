package dev.tandem.udfs.functions;

import dev.tandem.udfs.logic.EarlierValues;
import java.time.Instant;
import org.apache.flink.table.annotation.DataTypeHint;
import org.apache.flink.table.annotation.FunctionHint;
import org.apache.flink.table.functions.AggregateFunction;

/**
 * {@code ASOF_COUNT(event_time, condition) OVER w}: how many rows of a time-ordered frame come
 * strictly before the current row's time and satisfy the condition (NULL is not true), as Tandem's
 * {@code count} with {@code where} reads them. A RANGE frame holds the current row and its peers;
 * Tandem's features as of T do not. Pass the frame's order column as {@code event_time} (a
 * TIMESTAMP_LTZ, or epoch milliseconds where the frame is ordered by them, as batch mode needs).
 */
@FunctionHint(accumulator = @DataTypeHint(value = "RAW", bridgedTo = EarlierValues.class))
public final class AsOfCount extends AggregateFunction<Long, EarlierValues> {
    @Override
    public EarlierValues createAccumulator() {
        return new EarlierValues(false, false);
    }

    public void accumulate(EarlierValues acc, @DataTypeHint("TIMESTAMP_LTZ(3)") Instant time, Boolean condition) {
        accumulate(acc, time.toEpochMilli(), condition);
    }

    public void accumulate(EarlierValues acc, Long epochMillis, Boolean condition) {
        acc.add(epochMillis, matched(condition));
    }

    public void retract(EarlierValues acc, @DataTypeHint("TIMESTAMP_LTZ(3)") Instant time, Boolean condition) {
        retract(acc, time.toEpochMilli(), condition);
    }

    public void retract(EarlierValues acc, Long epochMillis, Boolean condition) {
        acc.remove(epochMillis, matched(condition));
    }

    @Override
    public Long getValue(EarlierValues acc) {
        return acc.count();
    }

    private static double matched(Boolean condition) {
        return Boolean.TRUE.equals(condition) ? 1.0 : Double.NaN;
    }
}
