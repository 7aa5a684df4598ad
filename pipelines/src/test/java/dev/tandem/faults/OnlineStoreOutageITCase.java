package dev.tandem.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.generate.Generator;
import dev.tandem.generate.Manifest;
import dev.tandem.job.LocalJobOptions;
import dev.tandem.job.StreamingJobOptions;
import dev.tandem.kafka.Topics;
import dev.tandem.local.LocalPostgres;
import dev.tandem.local.LocalServers;
import dev.tandem.spec.CompiledSpec;
import dev.tandem.spec.SpecCompiler;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.Map;
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
    private static final String PREFIX = "pg-outage-";
    private static final Duration OUTAGE = Duration.ofSeconds(30);
    /** Events a second: the 60,000 arrive over a minute, before, during and after the outage. */
    private static final double RATE = 1_000;

    @TempDir
    Path dir;

    @Test
    void theJobRidesOutAPostgresRestart() throws Exception {
        LocalServers.Servers servers = LocalServers.get();
        String bootstrap = servers.kafka().bootstrapServers();
        LocalPostgres postgres = servers.postgres();
        CompiledSpec spec = SpecCompiler.load(null);
        Path history = dir.resolve("history");
        Manifest manifest = new Generator(new Generator.Options(history, 60_000, 29, 0.02, Generator.DEFAULT_START, null, 2), spec).run();
        StreamingJobOptions options = LocalJobOptions.withPrefix(PREFIX, false, dir.resolve("checkpoints").toUri(), "rocksdb");
        // Two partitions for the two source readers: neither waits out the idleness timeout before watermarks move.
        Topics.ensure(bootstrap, Map.of(options.transactionsTopic(), 2, options.labelsTopic(), 1));
        RecoveryChecks.resetOnlineStore(options, spec);

        RecoveryChecks.Outage outage = RecoveryChecks.runThroughOutage(options, spec, postgres, OUTAGE,
                Generator.transactionFiles(history), RATE, dir);

        outage.assertRecoveredFromACheckpoint();
        try (Connection c = postgres.connect()) {
            assertThat(RecoveryChecks.onlineRows(c, spec)).as("rows written after the outage").isGreaterThan(outage.rowsBefore());
        }
        RecoveryChecks.assertNothingLostOrDuplicated(options, spec, history, manifest, dir);
    }
}
