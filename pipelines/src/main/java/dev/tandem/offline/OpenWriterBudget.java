package dev.tandem.offline;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.serialization.BulkWriter;
import org.apache.flink.core.fs.FSDataOutputStream;
import org.apache.flink.streaming.api.functions.sink.filesystem.PartFileInfo;
import org.apache.flink.streaming.api.functions.sink.filesystem.rollingpolicies.CheckpointRollingPolicy;

/**
 * A cap on the Parquet writers one file-sink subtask keeps open. Flink's file sink keeps a writer
 * open per bucket until the next checkpoint or the end of input, and a Parquet writer holds its
 * whole row group in memory: a batch run over a year of history would hold 365 date partitions'
 * rows on the heap at once. Here, when a subtask opens more than {@code maxOpen} writers, the one
 * used least recently writes its footer and frees its buffers early; its file is committed as
 * usual, and a later row for that partition rolls to a new part file.
 *
 * <p>One budget is shared, through the sink's serialized form, by its writer factory and rolling
 * policy, so each subtask has its own. Batch runs sort rows by date first, so a partition is
 * normally finished when it is closed and the budget only bounds memory, never splits files.
 */
public final class OpenWriterBudget<T> implements Serializable {
    private static final long serialVersionUID = 1L;

    /** How a row names its bucket: the same function as the sink's bucket assigner. */
    public interface BucketOf<T> extends Serializable {
        String bucket(T row);
    }

    private final int maxOpen;
    private final BucketOf<T> bucketOf;

    private transient LinkedHashMap<String, Budgeted<T>> open;
    private transient Set<String> closedEarly;
    private transient int peakOpen;

    public OpenWriterBudget(int maxOpen, BucketOf<T> bucketOf) {
        if (maxOpen < 1) {
            throw new IllegalArgumentException("at least one open writer is needed");
        }
        this.maxOpen = maxOpen;
        this.bucketOf = bucketOf;
    }

    /** Wraps a writer factory so that its writers count against this budget. */
    public BulkWriter.Factory<T> limit(BulkWriter.Factory<T> factory) {
        return stream -> new Budgeted<>(factory.create(stream), this);
    }

    /** Rolls on every checkpoint (as bulk formats must) and when a partition's writer was closed early. */
    public CheckpointRollingPolicy<T, String> rollingPolicy() {
        return new CheckpointRollingPolicy<>() {
            @Override
            public boolean shouldRollOnEvent(PartFileInfo<String> partFile, T element) {
                return closedEarly().contains(partFile.getBucketId());
            }

            @Override
            public boolean shouldRollOnProcessingTime(PartFileInfo<String> partFile, long currentTime) {
                return false;
            }
        };
    }

    /** The most writers this subtask had open at once (for tests and metrics). */
    public int peakOpen() {
        return peakOpen;
    }

    private LinkedHashMap<String, Budgeted<T>> open() {
        if (open == null) {
            open = new LinkedHashMap<>(16, 0.75f, true);
        }
        return open;
    }

    private Set<String> closedEarly() {
        if (closedEarly == null) {
            closedEarly = new HashSet<>();
        }
        return closedEarly;
    }

    private void touched(String bucket, Budgeted<T> writer) throws IOException {
        Map<String, Budgeted<T>> writers = open();
        if (writers.get(bucket) != writer) {
            writers.put(bucket, writer);
            closedEarly().remove(bucket);
        }
        Iterator<Map.Entry<String, Budgeted<T>>> eldest = writers.entrySet().iterator();
        while (writers.size() > maxOpen) {
            Map.Entry<String, Budgeted<T>> e = eldest.next();
            eldest.remove();
            closedEarly().add(e.getKey());
            e.getValue().finishEarly();
        }
        peakOpen = Math.max(peakOpen, writers.size());
    }

    private void finished(String bucket, Budgeted<T> writer) {
        if (bucket != null && open().get(bucket) == writer) {
            open().remove(bucket);
        }
    }

    /** A writer that reports its use to the budget and can be finished before the sink asks. */
    private static final class Budgeted<T> implements BulkWriter<T> {
        private final BulkWriter<T> writer;
        private final OpenWriterBudget<T> budget;
        private String bucket;
        private boolean finished;

        Budgeted(BulkWriter<T> writer, OpenWriterBudget<T> budget) {
            this.writer = writer;
            this.budget = budget;
        }

        @Override
        public void addElement(T element) throws IOException {
            if (finished) {
                throw new IllegalStateException("writer for " + bucket + " was finished early; the rolling policy should have rolled it");
            }
            if (bucket == null) {
                bucket = budget.bucketOf.bucket(element);
            }
            writer.addElement(element);
            budget.touched(bucket, this);
        }

        @Override
        public void flush() throws IOException {
            if (!finished) {
                writer.flush();
            }
        }

        @Override
        public void finish() throws IOException {
            if (!finished) {
                finished = true;
                writer.finish();
            }
            budget.finished(bucket, this);
        }

        void finishEarly() {
            try {
                finished = true;
                writer.finish();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot finish the part file of " + bucket, e);
            }
        }
    }
}
