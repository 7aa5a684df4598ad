package dev.tandem.generate;

import dev.tandem.ingest.Reasons;

/**
 * The kinds of dirt the generator injects, and the dead-letter reason each must end in ({@code
 * null}: the record is odd but valid and must be accepted). {@code DUPLICATE}, {@code OUT_OF_ORDER}
 * and {@code LATE} are settled by the lateness rule at write time; see {@link Generator}.
 */
enum DirtyKind {
    MALFORMED_JSON(Reasons.MALFORMED_JSON),
    MISSING_FIELD(Reasons.MISSING_FIELD),
    WRONG_TYPE(Reasons.WRONG_TYPE),
    INVALID_AMOUNT(Reasons.INVALID_AMOUNT),
    INVALID_CURRENCY(Reasons.INVALID_CURRENCY),
    INVALID_CARD_NUMBER(Reasons.INVALID_CARD_NUMBER),
    INVALID_TIMESTAMP(Reasons.INVALID_TIMESTAMP),
    FUTURE_TIMESTAMP(Reasons.FUTURE_TIMESTAMP),
    OVERSIZED(Reasons.OVERSIZED),
    DUPLICATE(Reasons.DUPLICATE),
    LATE(Reasons.LATE),
    OUT_OF_ORDER(null),
    EXTRA_FIELD(null),
    ODD_AMOUNT_SPELLING(null),
    ODD_CURRENCY_SPELLING(null),
    ODD_TIMESTAMP_FORMAT(null),
    ODD_COUNTRY_SPELLING(null);

    final String expectedReason;

    DirtyKind(String expectedReason) {
        this.expectedReason = expectedReason;
    }

    /** Whether the record still reaches the lateness rule (it passes parsing and cleaning). */
    boolean passesParsing() {
        return expectedReason == null || this == DUPLICATE || this == LATE;
    }

    String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
