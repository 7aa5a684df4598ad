package dev.tandem.spine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.ingest.DeadLetter;
import dev.tandem.ingest.Reasons;
import dev.tandem.ingest.RecordCleaner;
import dev.tandem.spec.CompiledSpec;
import dev.tandem.udfs.logic.CurrencyConverter;
import dev.tandem.udfs.logic.Masking;
import dev.tandem.udfs.logic.TimestampParser;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A spine row's key-only cleaning path: its time and entity keys are required and cleaned (and
 * pseudonymised) as ingestion cleans events; the spec's other fields are taken when the row has
 * them; passed-through columns must fit their column's type. Anything else is a dead letter with
 * a reason (stage {@code spine}). Not thread-safe, like the cleaner it owns.
 */
public final class SpineCleaner {
    public static final String STAGE = "spine";
    /** Dead letters keep at most this much of a raw row, as the event cleaner's do. */
    private static final int MAX_RAW_CHARS = 65_536;

    private final RecordCleaner cleaner;
    private final SpineLayout layout;
    private final Set<String> keyColumns;

    public SpineCleaner(CompiledSpec spec, SpineLayout layout, String piiSecret) {
        this.cleaner = new RecordCleaner(spec, piiSecret, CurrencyConverter.defaultTable(), System::currentTimeMillis);
        this.layout = layout;
        this.keyColumns = new HashSet<>(layout.keyColumns());
    }

    /** The row named {@code id}; {@code row} null means the record was not a row at all. */
    public SpineRow clean(String id, ObjectNode row, Supplier<String> raw) {
        if (row == null) {
            return refused(id, Reasons.MALFORMED_JSON, "a spine row must be an object of named values", raw);
        }
        RecordCleaner.Outcome outcome = cleaner.cleanQuery(row, layout.timeColumn(), keyColumns, raw);
        if (outcome.event() == null) {
            DeadLetter d = outcome.deadLetter();
            return SpineRow.refused(id, new DeadLetter(STAGE, d.reason, d.detail, id, null, d.raw));
        }
        JsonNode time = row.get(layout.timeColumn());
        if (time != null && time.isValueNode() && TimestampParser.finerThanMillis(time.isNumber() ? time.decimalValue().toPlainString()
                : time.asText())) {
            // Features as of T use T itself (seconds since the last event): a truncated T would be inexact.
            return refused(id, Reasons.INVALID_TIMESTAMP, "time " + layout.timeColumn() + " = " + time.asText() + " is finer than a "
                    + "millisecond: event times are whole milliseconds, give spine times to the millisecond", raw);
        }
        List<SpineLayout.Column> columns = layout.passthrough();
        String[] passthrough = new String[columns.size()];
        for (int i = 0; i < passthrough.length; i++) {
            SpineLayout.Column column = columns.get(i);
            JsonNode value = row.get(column.name());
            if (value == null || value.isNull()) {
                continue;
            }
            passthrough[i] = canonical(column, value);
            if (passthrough[i] == null) {
                return refused(id, Reasons.WRONG_TYPE, "column " + column.name() + " should be " + column.type().name().toLowerCase()
                        + ", got " + value, raw);
            }
        }
        return SpineRow.of(id, outcome.event(), passthrough);
    }

    /** The value as text its column's type reads back exactly, or null when it does not fit the type. */
    static String canonical(SpineLayout.Column column, JsonNode value) {
        JsonNode typed = value.isTextual() && column.type() != SpineLayout.ColumnType.STRING ? SpineRecords.typedCsvValue(value.asText()) : value;
        return switch (column.type()) {
            case BOOLEAN -> typed.isBoolean() ? Boolean.toString(typed.booleanValue()) : null;
            case LONG -> typed.isIntegralNumber() && typed.canConvertToLong() ? Long.toString(typed.longValue()) : null;
            case DOUBLE -> typed.isNumber() ? Double.toString(typed.doubleValue()) : null;
            case STRING -> value.isValueNode() ? value.asText() : value.toString();
        };
    }

    private static SpineRow refused(String id, String reason, String detail, Supplier<String> raw) {
        String text = raw.get();
        String kept = text.length() > MAX_RAW_CHARS ? text.substring(0, MAX_RAW_CHARS) : text;
        return SpineRow.refused(id, new DeadLetter(STAGE, reason, detail, id, null, Masking.maskFreeText(kept)));
    }
}
