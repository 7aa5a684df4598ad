package dev.tandem.offline;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.serialization.BulkWriter;
import org.apache.flink.streaming.api.functions.sink.filesystem.PartFileInfo;
import org.apache.flink.streaming.api.functions.sink.filesystem.RollingPolicy;
import org.junit.jupiter.api.Test;

/** At most N writers open per subtask; a writer closed early makes its bucket roll to a new file. */
class OpenWriterBudgetTest {
    /** A writer that records what happened to it. */
    static final class RecordingWriter implements BulkWriter<String> {
        final List<String> rows = new ArrayList<>();
        int finishes;

        @Override
        public void addElement(String element) {
            rows.add(element);
        }

        @Override
        public void flush() {}

        @Override
        public void finish() {
            finishes++;
        }
    }

    private final List<RecordingWriter> created = new ArrayList<>();
    private final OpenWriterBudget<String> budget = new OpenWriterBudget<>(2, row -> row.substring(0, 1));
    private final BulkWriter.Factory<String> factory = budget.limit(stream -> {
        RecordingWriter w = new RecordingWriter();
        created.add(w);
        return w;
    });

    @Test
    void theLeastRecentlyUsedWriterIsFinishedWhenTheBudgetIsExceeded() throws IOException {
        BulkWriter<String> a = factory.create(null);
        BulkWriter<String> b = factory.create(null);
        BulkWriter<String> c = factory.create(null);
        a.addElement("a1");
        b.addElement("b1");
        a.addElement("a2"); // b is now the least recently used
        c.addElement("c1");

        assertThat(created.get(1).finishes).as("b finished early").isEqualTo(1);
        assertThat(created.get(0).finishes).as("a still open").isZero();
        assertThat(budget.peakOpen()).isEqualTo(2);

        RollingPolicy<String, String> policy = budget.rollingPolicy();
        assertThat(policy.shouldRollOnEvent(part("b"), "b2")).isTrue();
        assertThat(policy.shouldRollOnEvent(part("a"), "a3")).isFalse();
        assertThat(policy.shouldRollOnCheckpoint(part("a"))).isTrue();

        // The sink rolls b: closing the early-finished writer does not finish it twice.
        b.flush();
        b.finish();
        assertThat(created.get(1).finishes).isEqualTo(1);
        BulkWriter<String> b2 = factory.create(null);
        b2.addElement("b2"); // a is evicted now (c and b2 were used after it)
        assertThat(policy.shouldRollOnEvent(part("b"), "b3")).isFalse();
        assertThat(policy.shouldRollOnEvent(part("a"), "a3")).isTrue();
        assertThat(created.get(0).rows).containsExactly("a1", "a2");
        assertThat(created.get(0).finishes).isEqualTo(1);
        assertThat(budget.peakOpen()).isEqualTo(2);
    }

    @Test
    void writersFinishedByTheSinkFreeTheirPlace() throws IOException {
        for (int day = 0; day < 365; day++) {
            BulkWriter<String> w = factory.create(null);
            w.addElement((char) ('A' + day % 50) + "-" + day);
            w.finish(); // rows sorted by date: each partition is done before the next starts
        }
        assertThat(budget.peakOpen()).isEqualTo(1);
        assertThat(created).allSatisfy(w -> assertThat(w.finishes).isEqualTo(1));
    }

    private static PartFileInfo<String> part(String bucket) {
        return new PartFileInfo<>() {
            @Override
            public String getBucketId() {
                return bucket;
            }

            @Override
            public long getCreationTime() {
                return 0;
            }

            @Override
            public long getSize() {
                return 0;
            }

            @Override
            public long getLastUpdateTime() {
                return 0;
            }
        };
    }
}
