package dev.tandem.ingest;

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

    public DeadLetter() {}

    public DeadLetter(String stage, String reason, String detail, String eventId, Long eventTime, String raw) {
        this.stage = stage;
        this.reason = reason;
        this.detail = detail;
        this.eventId = eventId;
        this.eventTime = eventTime;
        this.raw = raw;
    }

    @Override
    public String toString() {
        return "DeadLetter{" + stage + "/" + reason + " " + eventId + ": " + detail + "}";
    }
}
