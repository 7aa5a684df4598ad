package dev.tandem.ingest;

/**
 * What a source emits for one raw record, cleaned where it was read: an event or a dead letter
 * (exactly one is set), and the partition the record came from — a Kafka partition, or a file —
 * whose order defines lateness. Cleaning inside the source means only clean events carry the
 * timestamps its per-partition watermarks are made of. A Flink POJO.
 */
public class Ingested {
    public CleanEvent event;
    public DeadLetter deadLetter;
    public String partition;
    /** Where the record is in its partition, and when the broker appended it (Kafka sources; -1 for files). */
    public long offset = -1;
    public long appendedAt = -1;

    public Ingested() {}

    private Ingested(CleanEvent event, DeadLetter deadLetter, String partition) {
        this.event = event;
        this.deadLetter = deadLetter;
        this.partition = partition;
    }

    public static Ingested of(RecordCleaner.Outcome outcome, String partition) {
        return new Ingested(outcome.event(), outcome.deadLetter(), partition);
    }

    public static Ingested refused(DeadLetter deadLetter, String partition) {
        return new Ingested(null, deadLetter, partition);
    }

    /** The same record, placed at its Kafka offset and append time. */
    public Ingested at(long offset, long appendedAt) {
        this.offset = offset;
        this.appendedAt = appendedAt;
        return this;
    }

    public boolean isEvent() {
        return event != null;
    }
}
