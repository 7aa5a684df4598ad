package dev.tandem.ingest;

/** A partition and an event time in it: an entry of per-partition operator state. A Flink POJO. */
public class PartitionTime {
    public String partition;
    public long time;

    public PartitionTime() {}

    public PartitionTime(String partition, long time) {
        this.partition = partition;
        this.time = time;
    }
}
