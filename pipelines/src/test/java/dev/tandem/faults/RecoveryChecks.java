package dev.tandem.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tandem.generate.Manifest;
import dev.tandem.job.FeatureRuns;
import dev.tandem.job.FeatureTopicAssertions;
import dev.tandem.job.StreamingJob;
import dev.tandem.job.StreamingJobOptions;
import dev.tandem.kafka.TopicReader;
import dev.tandem.parity.OnlineStoreParity;
import dev.tandem.quality.QualityResults;
import dev.tandem.quality.QualityStore;
import dev.tandem.spec.CompiledSpec;
import dev.tandem.store.OnlineStoreSchema;
import dev.tandem.local.LocalServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;

/**
 * The checks every fault case ends with, against a batch run over the same history: the online
 * store holds the batch run's last vector per entity; every vector is on the exactly-once topic
 * exactly once with the batch values (no duplicate, no gap); the dead letters are the generator's
 * manifest; the quality windows are the batch run's (complete, none counted twice).
 */
final class RecoveryChecks {
    private static final ObjectMapper JSON = new ObjectMapper();

    private RecoveryChecks() {}

    /** Empties what a run writes in PostgreSQL, so the checks see this run only. */
    static void resetOnlineStore(StreamingJobOptions options, CompiledSpec spec) throws Exception {
        try (Connection c = DriverManager.getConnection(options.jdbcUrl(), options.jdbcUser(), options.jdbcPassword())) {
            OnlineStoreSchema.drop(c, spec);
            QualityStore.migrate(c);
            QualityStore.delete(c, OnlineStoreSchema.featureSetVersion(spec));
        }
    }

    /** Waits until the job has written to the online store; the rows so far. */
    static long awaitOnlineRows(StreamingJobOptions options, CompiledSpec spec, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try (Connection c = DriverManager.getConnection(options.jdbcUrl(), options.jdbcUser(), options.jdbcPassword())) {
                long rows = onlineRows(c, spec);
                if (rows > 0) {
                    return rows;
                }
            } catch (SQLException notYetCreated) {
                // the job creates its tables when it starts
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no online rows within " + timeout);
    }

    /**
     * Runs the (bounded) job with {@code component} away for {@code outage} once the job has written
     * its first online rows (so the outage cuts into a running job), and waits for it to finish.
     * Returns the online rows written before the outage.
     */
    static long runThroughOutage(StreamingJobOptions options, CompiledSpec spec, LocalServer component, Duration outage) throws Exception {
        JobClient job = StreamingJob.start(options, spec);
        try {
            long rowsBefore = awaitOnlineRows(options, spec, Duration.ofMinutes(2));
            component.stop();
            assertRunsThrough(job, outage);
            component.start();
            job.getJobExecutionResult().get(5, TimeUnit.MINUTES); // bounded: it finishes once it has caught up
            return rowsBefore;
        } catch (Exception | AssertionError e) {
            job.cancel(); // best effort: the embedded cluster may already be gone with the job
            throw e;
        } finally {
            component.start();
        }
    }

    /** Watches the job through an outage of {@code outage}: it must neither fail nor be cancelled. */
    static void assertRunsThrough(JobClient job, Duration outage) throws Exception {
        long ends = System.nanoTime() + outage.toNanos();
        while (System.nanoTime() < ends) {
            assertThat(job.getJobStatus().get(10, TimeUnit.SECONDS)).as("the job outlives the outage")
                    .isNotIn(JobStatus.FAILED, JobStatus.CANCELED);
            Thread.sleep(500);
        }
    }

    static long onlineRows(Connection c, CompiledSpec spec) throws SQLException {
        try (ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM " + OnlineStoreSchema.table(spec, spec.entities.get(0)))) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static void assertNothingLostOrDuplicated(StreamingJobOptions options, CompiledSpec spec, Path history, Manifest manifest, Path work)
            throws Exception {
        Path batch = work.resolve("batch");
        FeatureRuns.run("batch", history, batch, spec);
        try (Connection c = DriverManager.getConnection(options.jdbcUrl(), options.jdbcUser(), options.jdbcPassword())) {
            for (OnlineStoreParity.GroupResult group : OnlineStoreParity.compare(batch, spec, c)) {
                assertThat(group.passed()).as("online store: " + group).isTrue();
            }
            QualityResults streamed = QualityStore.read(c, OnlineStoreSchema.featureSetVersion(spec));
            assertThat(streamed.windows()).as("quality windows").isNotEmpty().isEqualTo(QualityResults.fromFiles(batch).windows());
        }
        FeatureTopicAssertions.everyEventOnce(options.bootstrapServers(), options.featuresTopic(), batch, spec, manifest.expectedValid());
        Map<String, Long> deadLetters = new TreeMap<>();
        for (String value : TopicReader.readCommitted(options.bootstrapServers(), options.deadLettersTopic())) {
            deadLetters.merge(JSON.readTree(value).get("reason").asText(), 1L, Long::sum);
        }
        assertThat(deadLetters).as("dead letters").isEqualTo(manifest.expectedDeadLetters());
    }
}
