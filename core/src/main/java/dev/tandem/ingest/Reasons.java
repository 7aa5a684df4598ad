package dev.tandem.ingest;

import java.util.List;

/** Every reason a record can be refused for. Dead-letter counts and the generator's manifest use these names. */
public final class Reasons {
    public static final String MALFORMED_JSON = "malformed_json";
    public static final String OVERSIZED = "oversized";
    public static final String MISSING_FIELD = "missing_field";
    public static final String WRONG_TYPE = "wrong_type";
    public static final String INVALID_AMOUNT = "invalid_amount";
    public static final String INVALID_CURRENCY = "invalid_currency";
    public static final String UNKNOWN_RATE = "unknown_rate";
    public static final String INVALID_CARD_NUMBER = "invalid_card_number";
    public static final String INVALID_EMAIL = "invalid_email";
    public static final String INVALID_COUNTRY = "invalid_country";
    public static final String INVALID_TIMESTAMP = "invalid_timestamp";
    public static final String FUTURE_TIMESTAMP = "future_timestamp";
    public static final String LATE = "late";
    public static final String DUPLICATE = "duplicate";
    /**
     * The cleaner itself failed on a record (a bug, never an expected refusal): the record is a dead
     * letter with the error, the job goes on. Not in {@link #ALL}: quality windows, whose columns
     * are fixed per reason, count it under {@link #MALFORMED_JSON}.
     */
    public static final String CLEANING_FAILED = "cleaning_failed";
    /**
     * A feature source's event that came after the source had been idle and the rows had gone on
     * without it: behind the watermark the rows followed. Timing-dependent (a replay may admit it).
     * Not in {@link #ALL}: quality windows count it under {@link #LATE}.
     */
    public static final String LATE_IDLE = "late_idle";

    public static final List<String> ALL = List.of(
            MALFORMED_JSON, OVERSIZED, MISSING_FIELD, WRONG_TYPE, INVALID_AMOUNT, INVALID_CURRENCY,
            UNKNOWN_RATE, INVALID_CARD_NUMBER, INVALID_EMAIL, INVALID_COUNTRY, INVALID_TIMESTAMP,
            FUTURE_TIMESTAMP, LATE, DUPLICATE);

    /** Pipeline stages, as written in dead letters. */
    public static final String STAGE_PARSE = "parse";
    public static final String STAGE_ORDER = "order";
    public static final String STAGE_DEDUP = "dedup";
    public static final String STAGE_FEATURES = "features";

    private Reasons() {}
}
