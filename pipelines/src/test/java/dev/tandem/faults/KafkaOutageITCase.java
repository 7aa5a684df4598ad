package dev.tandem.faults;


import dev.tandem.generate.Generator;
import dev.tandem.generate.Manifest;
import dev.tandem.job.LocalJobOptions;
import dev.tandem.job.StreamingJobOptions;
import dev.tandem.kafka.Topics;
import dev.tandem.local.LocalKafka;
import dev.tandem.local.LocalPostgres;
import dev.tandem.local.LocalServers;
import dev.tandem.spec.CompiledSpec;
import dev.tandem.spec.SpecCompiler;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kafka broker stopped for 30 s mid-stream and started again: no checkpoint completes while the
 * broker is away (the exactly-once sinks cannot prepare their transactions; the one in flight fails
 * or waits, counted), the job's Kafka clients wait and retry, so it keeps running without a restart
 * (measured), and once the broker is back the job catches up by itself. Nothing is lost or written
 * twice: the exactly-once topic holds every vector once (no duplicate, no gap), the online store and
 * the quality windows equal the batch run's, the dead letters are the manifest's.
 */
@ExtendWith(LocalServers.class)
class KafkaOutageITCase {
    private static final String PREFIX = "kafka-outage-";
    private static final Duration OUTAGE = Duration.ofSeconds(30);
    /** Events a second: the 60,000 arrive over a minute, before, during and after the outage. */
    private static final double RATE = 1_000;

    @TempDir
    Path dir;

    @Test
    void theJobRidesOutABrokerRestart() throws Exception {
        LocalServers.Servers servers = LocalServers.get();
        LocalKafka kafka = servers.kafka();
        String bootstrap = kafka.bootstrapServers();
        LocalPostgres postgres = servers.postgres();
        CompiledSpec spec = SpecCompiler.load(null);
        Path history = dir.resolve("history");
        Manifest manifest = new Generator(new Generator.Options(history, 60_000, 41, 0.02, Generator.DEFAULT_START, null, 2), spec).run();
        StreamingJobOptions options = LocalJobOptions.withPrefix(PREFIX, false, dir.resolve("checkpoints").toUri(), "rocksdb");
        // Two partitions for the two source readers: neither waits out the idleness timeout before watermarks move.
        Topics.ensure(bootstrap, Map.of(options.transactionsTopic(), 2, options.labelsTopic(), 1));
        RecoveryChecks.resetOnlineStore(options, spec);

        RecoveryChecks.runThroughOutage(options, spec, kafka, OUTAGE,
                Generator.transactionFiles(history), RATE, dir).assertCheckpointsStalledMeanwhile();
        RecoveryChecks.assertNothingLostOrDuplicated(options, spec, history, manifest, dir);
    }
}
