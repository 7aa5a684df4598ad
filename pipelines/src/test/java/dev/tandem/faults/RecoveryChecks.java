package dev.tandem.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.parity.DeadLetterLog;
import dev.tandem.generate.Manifest;
import dev.tandem.job.FeatureRuns;
import dev.tandem.job.FeatureTopicAssertions;
import dev.tandem.job.StreamingJobOptions;
import dev.tandem.kafka.ConsumerLag;
import dev.tandem.kafka.HistoryReplayer;
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
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobStatus;

/**
 * The checks every fault case ends with, against a batch run over the same history: the online
 * store holds the batch run's last vector per entity; every vector is on the exactly-once topic
 * exactly once with the batch values (no duplicate, no gap); the dead letters are the generator's
 * manifest; the quality windows are the batch run's (complete, none counted twice).
 */
final class RecoveryChecks {
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
     * What an outage did to the job: its status when the component stopped; completed checkpoints
     * then and when the component came back; restarts and failed checkpoints before the outage and
     * by the job's end; the checkpoint it restored from; the online rows written before it.
     */
    record Outage(JobStatus statusAtStop, long checkpointsBefore, long checkpointsAtReturn, long restartsBefore, long restartsAfter,
            long failedBefore, long failedAfter, long restoredCheckpoint, long rowsBefore) {
        /** The outage cut into a running job that had completed checkpoints (and it then drained cleanly). */
        void assertCutIntoARunningJob() {
            assertThat(statusAtStop).as("the job's status when the component stopped (%s)", this).isEqualTo(JobStatus.RUNNING);
            assertThat(checkpointsBefore).as("completed checkpoints before the outage (%s)", this).isPositive();
        }

        /** ...and the job restarted because of it, from one of those checkpoints. */
        void assertRecoveredFromACheckpoint() {
            assertCutIntoARunningJob();
            assertThat(restartsAfter).as("restarts because of the outage (%s)", this).isGreaterThan(restartsBefore);
            assertThat(restoredCheckpoint).as("the checkpoint the restarted job restored (%s)", this).isPositive();
        }

        /**
         * ...and no checkpoint completed while the component was away (but the one in flight when it
         * stopped): with a checkpoint a second, a job the outage did not reach completes dozens.
         */
        void assertCheckpointsStalledMeanwhile() {
            assertCutIntoARunningJob();
            assertThat(checkpointsAtReturn - checkpointsBefore).as("checkpoints completed during the outage (%s)", this)
                    .isLessThanOrEqualTo(1);
        }
    }

    /**
     * Runs the streaming job while the history's partition files are replayed into its topic at
     * {@code rate} events/s, with {@code component} away for {@code outage} once the job has written
     * its first online rows (so the outage cuts into a running job, with events arriving throughout);
     * the job must neither fail nor be cancelled on the way. Once the component is back and the job
     * has read the whole topic, it is drained (stop with a savepoint), as at the end of an input.
     */
    static Outage runThroughOutage(StreamingJobOptions options, CompiledSpec spec, LocalServer component, Duration outage,
            List<Path> partitionFiles, double rate, Path work) throws Exception {
        ExecutorService producing = Executors.newSingleThreadExecutor();
        try (WatchedJob job = WatchedJob.start(options, spec)) {
            Future<Long> replay = producing.submit(() -> new HistoryReplayer(options.bootstrapServers(), rate, Duration.ofMinutes(3))
                    .replayPartitions(partitionFiles, options.transactionsTopic()));
            long rowsBefore = awaitOnlineRows(options, spec, Duration.ofMinutes(2));
            awaitCheckpointAfter(job, 0);
            JobStatus atStop = job.status();
            long checkpointsBefore = job.completedCheckpoints();
            long restartsBefore = job.restarts();
            long failedBefore = job.failedCheckpoints();
            component.stop();
            assertRunsThrough(job, outage);
            long checkpointsAtReturn = job.completedCheckpoints();
            component.start();
            awaitCheckpointAfter(job, checkpointsAtReturn); // running again, every task, with the component back
            replay.get(5, TimeUnit.MINUTES);
            ConsumerLag.awaitCaughtUp(options.bootstrapServers(), options.groupId(), options.transactionsTopic(), Duration.ofMinutes(5));
            job.drain(work.resolve("savepoints"));
            Outage happened = new Outage(atStop, checkpointsBefore, checkpointsAtReturn, restartsBefore, job.restarts(), failedBefore,
                    job.failedCheckpoints(), job.restoredCheckpoint(), rowsBefore);
            System.out.printf("%s away %d s: %s; %s%n", component.getClass().getSimpleName(), outage.toSeconds(), happened, job);
            return happened;
        } finally {
            producing.shutdownNow();
            component.start();
        }
    }

    /** Waits (up to two minutes) until the job completes a checkpoint beyond the {@code completed} it had. */
    private static void awaitCheckpointAfter(WatchedJob job, long completed) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (job.completedCheckpoints() <= completed) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no completed checkpoint beyond the " + completed + " within two minutes: " + job);
            }
            Thread.sleep(100);
        }
    }

    /** Watches the job through an outage of {@code outage}: it must neither fail nor be cancelled. */
    static void assertRunsThrough(WatchedJob job, Duration outage) throws Exception {
        long ends = System.nanoTime() + outage.toNanos();
        while (System.nanoTime() < ends) {
            assertThat(job.status()).as("the job outlives the outage").isNotIn(JobStatus.FAILED, JobStatus.CANCELED);
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
        assertThat(DeadLetterLog.countsOnTopic(options.bootstrapServers(), options.deadLettersTopic())).as("dead letters").isEqualTo(manifest.expectedDeadLetters());
    }
}
