package dev.tandem.udfs.functions;

import java.time.Instant;
import org.apache.flink.table.annotation.DataTypeHint;
import org.apache.flink.table.functions.ScalarFunction;

/**
 * {@code EPOCH_MILLIS(t)}: a TIMESTAMP_LTZ as epoch milliseconds, the event_time Tandem's outputs
 * carry (Flink's CAST to BIGINT gives whole seconds).
 */
public final class EpochMillis extends ScalarFunction {
    public Long eval(@DataTypeHint("TIMESTAMP_LTZ(3)") Instant time) {
        return time == null ? null : time.toEpochMilli();
    }
}
