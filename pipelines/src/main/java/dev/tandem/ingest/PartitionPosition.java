package dev.tandem.ingest;

/**
 * How far a job has read a Kafka partition: the offset of the record just read, when the broker
 * appended it and the newest event time read there so far (Long.MIN_VALUE before any event). A Flink POJO.
 */
public class PartitionPosition {
    public String partition;
    public long offset;
    public long appendedAt;
    public long eventTime;

    public PartitionPosition() {}

    public static PartitionPosition of(Ingested record) {
        PartitionPosition p = new PartitionPosition();
        p.partition = record.partition;
        p.offset = record.offset;
        p.appendedAt = record.appendedAt;
        p.eventTime = record.isEvent() ? record.event.eventTime : Long.MIN_VALUE;
        return p;
    }
}
