package dev.tandem.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.kafka.HistoryReplayer;
import dev.tandem.kafka.Topics;
import dev.tandem.local.LocalServers;
import dev.tandem.quality.Breach;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lag watch against a real broker: a job reading a partition's old records while newer ones
 * wait raises one {@code max_consumer_lag} breach per episode, with the records behind and how old
 * the record being read is; a job that has read everything is not behind however old its last
 * record (an idle partition is not lag), and the breach comes again in a new episode.
 */
@ExtendWith(LocalServers.class)
class LagWatchITCase {
    private static final String TOPIC = "lag-watch";
    private static final String PARTITION = TOPIC + "-0";

    @TempDir
    Path dir;

    @Test
    void behindByMoreThanTheBoundIsOneBreachPerEpisode() throws Exception {
        String bootstrap = LocalServers.get().kafka().bootstrapServers();
        Topics.ensure(bootstrap, Map.of(TOPIC, 1));
        Path records = Files.write(dir.resolve("records.jsonl"), Collections.nCopies(100, "{}"));
        new HistoryReplayer(bootstrap, 0).replay(records, TOPIC); // offsets 0..99

        long now = System.currentTimeMillis();
        LagWatchOperator watch = new LagWatchOperator(bootstrap, Duration.ofSeconds(1), Duration.ofSeconds(30));
        try (var harness = new OneInputStreamOperatorTestHarness<Ingested, Breach>(watch)) {
            harness.setProcessingTime(now);
            harness.open();
            harness.processElement(new StreamRecord<>(position(9, now - 60_000)));
            harness.setProcessingTime(now + 1_000);
            harness.setProcessingTime(now + 2_000); // still behind: no second breach in the same episode
            List<Breach> breaches = breaches(harness);
            assertThat(breaches).hasSize(1);
            Breach breach = breaches.get(0);
            assertThat(breach.expectation).isEqualTo(LagWatchOperator.EXPECTATION);
            assertThat(breach.column).isEqualTo(PARTITION);
            assertThat(breach.observed).isBetween(60.0, 63.0);
            assertThat(breach.limit).isEqualTo(30.0);
            assertThat(breach.message).contains("90 records behind on " + PARTITION);

            harness.processElement(new StreamRecord<>(position(99, now - 600_000))); // the last record, appended long ago
            harness.setProcessingTime(now + 3_000);
            assertThat(breaches(harness)).as("caught up with an idle partition: not lag").hasSize(1);

            harness.processElement(new StreamRecord<>(position(50, now - 40_000))); // a replay from an older offset: a new episode
            harness.setProcessingTime(now + 4_000);
            assertThat(breaches(harness)).hasSize(2);
            assertThat(breaches(harness).get(1).message).contains("49 records behind");
        }
    }

    /** A record of the partition read at {@code offset} (a dead letter: the watch reads positions, not events). */
    private static Ingested position(long offset, long appendedAt) {
        DeadLetter refused = new DeadLetter("parse", "malformed_json", "test", null, null, "{}");
        return Ingested.refused(refused, PARTITION).at(offset, appendedAt);
    }

    private static List<Breach> breaches(OneInputStreamOperatorTestHarness<Ingested, Breach> harness) {
        return harness.extractOutputValues();
    }
}
