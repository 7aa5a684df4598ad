package dev.tandem.ingest;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * A record Tandem refused: which stage refused it, the reason (one of {@link Reasons}), a detail
 * for people, the raw record with PII masked, and the event id and time when they could be read.
 */
public class DeadLetter {
    public String stage;
    public String reason;
    public String detail;
    public String eventId;
    public Long eventTime;
    public String raw;
    /**
     * Where the refusal sits in event time, for per-window quality counts: the refusing stage's
     * newest event time (its own time when it has one the stage trusts), Long.MIN_VALUE before any.
     */
    @JsonIgnore
    public long observedAt = Long.MIN_VALUE;

    public DeadLetter() {}

    public DeadLetter(String stage, String reason, String detail, String eventId, Long eventTime, String raw) {
        this.stage = stage;
        this.reason = reason;
        this.detail = detail;
        this.eventId = eventId;
        this.eventTime = eventTime;
        this.raw = raw;
        this.observedAt = eventTime == null ? Long.MIN_VALUE : eventTime;
    }

    /** This dead letter placed at {@code time} in event time. */
    public DeadLetter observedAt(long time) {
        this.observedAt = time;
        return this;
    }

    @Override
    public String toString() {
        return "DeadLetter{" + stage + "/" + reason + " " + eventId + ": " + detail + "}";
    }
}
