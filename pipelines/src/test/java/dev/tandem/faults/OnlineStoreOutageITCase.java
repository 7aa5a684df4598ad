package dev.tandem.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tandem.generate.Generator;
import dev.tandem.generate.Manifest;
import dev.tandem.job.FeatureRuns;
import dev.tandem.job.FeatureTopicAssertions;
import dev.tandem.job.StreamingJob;
import dev.tandem.job.StreamingJobOptions;
import dev.tandem.kafka.HistoryReplayer;
import dev.tandem.kafka.TopicReader;
import dev.tandem.kafka.Topics;
import dev.tandem.local.LocalPostgres;
import dev.tandem.local.LocalServers;
import dev.tandem.parity.OnlineStoreParity;
import dev.tandem.spec.CompiledSpec;
import dev.tandem.spec.SpecCompiler;
import dev.tandem.store.OnlineStoreSchema;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * PostgreSQL stopped mid-stream and started again: the streaming job fails its JDBC writes,
 * restarts from its checkpoint until the database is back, and catches up by itself, with the
 * online store equal to the batch run's last vector per entity, every vector once on the
 * exactly-once topic and the dead letters the generator expects. (Measured before the fix: the
 * JDBC connector's failure path killed the embedded TaskManager as FATAL and the job hung.)
 */
@ExtendWith(LocalServers.class)
class OnlineStoreOutageITCase {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PREFIX = "pg-outage-";
    private static final Duration OUTAGE = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    @Test
    void theJobRidesOutAPostgresRestart() throws Exception {
        LocalServers.Servers servers = LocalServers.get();
        String bootstrap = servers.kafka().bootstrapServers();
        LocalPostgres postgres = servers.postgres();
        CompiledSpec spec = SpecCompiler.load(null);
        Path history = dir.resolve("history");
        Manifest manifest = new Generator(new Generator.Options(history, 150_000, 29, 0.02, Generator.DEFAULT_START), spec).run();
        StreamingJobOptions options = new StreamingJobOptions(bootstrap, PREFIX + "group", PREFIX + Topics.TRANSACTIONS,
                PREFIX + Topics.LABELS, PREFIX + Topics.FEATURES, PREFIX + Topics.DEAD_LETTERS, PREFIX + Topics.ALERTS,
                PREFIX + Topics.LINEAGE, PREFIX + Topics.ERASURES, true, postgres.jdbcUrl(), LocalPostgres.USER, postgres.password(),
                2, Duration.ofSeconds(1), dir.resolve("checkpoints").toUri(), "rocksdb", FeatureRuns.SECRET);
        Topics.ensure(bootstrap, Map.of(options.transactionsTopic(), 1, options.labelsTopic(), 1));
        new HistoryReplayer(bootstrap, 0).replay(history.resolve(Generator.TRANSACTIONS_FILE), options.transactionsTopic());
        try (Connection c = postgres.connect()) {
            OnlineStoreSchema.drop(c, spec);
        }

        long rowsBeforeOutage;
        JobClient job = StreamingJob.start(options, spec);
        try {
            rowsBeforeOutage = awaitOnlineRows(postgres, spec, Duration.ofMinutes(2));
            postgres.stop();
            long outageEnds = System.nanoTime() + OUTAGE.toNanos();
            while (System.nanoTime() < outageEnds) {
                assertThat(job.getJobStatus().get(10, TimeUnit.SECONDS)).as("the job outlives the outage")
                        .isNotIn(JobStatus.FAILED, JobStatus.CANCELED);
                Thread.sleep(500);
            }
            postgres.start();
            job.getJobExecutionResult().get(5, TimeUnit.MINUTES); // bounded: it finishes once it has caught up
        } catch (Exception | AssertionError e) {
            job.cancel(); // best effort: the embedded cluster may already be gone with the job
            throw e;
        } finally {
            postgres.start();
        }

        Path batch = dir.resolve("batch");
        FeatureRuns.run("batch", history, batch, spec);
        try (Connection c = postgres.connect()) {
            for (OnlineStoreParity.GroupResult group : OnlineStoreParity.compare(batch, spec, c)) {
                assertThat(group.passed()).as(group.toString()).isTrue();
            }
            assertThat(onlineRows(c, spec)).as("rows written after the outage").isGreaterThan(rowsBeforeOutage);
        }
        FeatureTopicAssertions.everyEventOnce(bootstrap, options.featuresTopic(), batch, spec, manifest.expectedValid());
        Map<String, Long> deadLetters = new TreeMap<>();
        for (String value : TopicReader.readCommitted(bootstrap, options.deadLettersTopic())) {
            deadLetters.merge(JSON.readTree(value).get("reason").asText(), 1L, Long::sum);
        }
        assertThat(deadLetters).isEqualTo(manifest.expectedDeadLetters());
    }

    /** Waits until the job has written to the online store (the outage then cuts into a running sink); the rows so far. */
    private static long awaitOnlineRows(LocalPostgres postgres, CompiledSpec spec, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try (Connection c = postgres.connect()) {
                long rows = onlineRows(c, spec);
                if (rows > 0) {
                    return rows;
                }
            } catch (java.sql.SQLException notYetCreated) {
                // the job creates its tables when it starts
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no online rows within " + timeout);
    }

    private static long onlineRows(Connection c, CompiledSpec spec) throws java.sql.SQLException {
        try (ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM " + OnlineStoreSchema.table(spec, spec.entities.get(0)))) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
