package dev.tandem.udfs.functions;

import dev.tandem.udfs.logic.FeatureMath;
import java.time.Instant;
import org.apache.flink.table.annotation.DataTypeHint;
import org.apache.flink.table.functions.ScalarFunction;

/** Cyclic encodings of an instant in UTC: hour of day and day of week as sine and cosine. */
public abstract class CyclicTime extends ScalarFunction {
    protected abstract double encode(long epochMillis);

    public Double eval(@DataTypeHint("TIMESTAMP_LTZ(3)") Instant time) {
        return time == null ? null : encode(time.toEpochMilli());
    }

    /** {@code HOUR_SIN(ts)}. */
    public static final class HourSin extends CyclicTime {
        @Override
        protected double encode(long epochMillis) {
            return FeatureMath.hourOfDaySin(epochMillis);
        }
    }

    /** {@code HOUR_COS(ts)}. */
    public static final class HourCos extends CyclicTime {
        @Override
        protected double encode(long epochMillis) {
            return FeatureMath.hourOfDayCos(epochMillis);
        }
    }

    /** {@code DOW_SIN(ts)}, Monday = 0. */
    public static final class DowSin extends CyclicTime {
        @Override
        protected double encode(long epochMillis) {
            return FeatureMath.dayOfWeekSin(epochMillis);
        }
    }

    /** {@code DOW_COS(ts)}, Monday = 0. */
    public static final class DowCos extends CyclicTime {
        @Override
        protected double encode(long epochMillis) {
            return FeatureMath.dayOfWeekCos(epochMillis);
        }
    }
}
