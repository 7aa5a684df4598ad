package dev.tandem.udfs.functions;

import dev.tandem.udfs.logic.Cleaned;
import dev.tandem.udfs.logic.TimestampParser;
import java.time.Instant;
import org.apache.flink.table.annotation.DataTypeHint;
import org.apache.flink.table.functions.ScalarFunction;

/**
 * {@code PARSE_TIMESTAMP(text)} → TIMESTAMP_LTZ(3) from ISO-8601 (any offset) or epoch
 * seconds/millis/micros/nanos written as text; {@code PARSE_TIMESTAMP(bigint)} for numbers.
 */
public final class ParseTimestamp extends ScalarFunction {
    public @DataTypeHint("TIMESTAMP_LTZ(3)") Instant eval(String raw) {
        return toInstant(TimestampParser.parse(raw));
    }

    public @DataTypeHint("TIMESTAMP_LTZ(3)") Instant eval(Long epoch) {
        return epoch == null ? null : toInstant(TimestampParser.fromEpoch(epoch.longValue()));
    }

    private static Instant toInstant(Cleaned<Long> millis) {
        return millis.isOk() ? Instant.ofEpochMilli(millis.value()) : null;
    }
}
