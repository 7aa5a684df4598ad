package dev.tandem.faults;


import dev.tandem.generate.Generator;
import dev.tandem.generate.Manifest;
import dev.tandem.job.LocalJobOptions;
import dev.tandem.job.StreamingJobOptions;
import dev.tandem.kafka.HistoryReplayer;
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
 * The Kafka broker stopped for 30 s mid-stream and started again: the job's source, its
 * transactional sinks and its checkpoints fail while the broker is away; the job restarts from its
 * last checkpoint until the broker is back and catches up by itself. Nothing is lost or written
 * twice: the exactly-once topic holds every vector once (no duplicate, no gap), the online store and
 * the quality windows equal the batch run's, the dead letters are the manifest's.
 */
@ExtendWith(LocalServers.class)
class KafkaOutageITCase {
    private static final String PREFIX = "kafka-outage-";
    private static final Duration OUTAGE = Duration.ofSeconds(30);

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
        Manifest manifest = new Generator(new Generator.Options(history, 150_000, 41, 0.02, Generator.DEFAULT_START), spec).run();
        StreamingJobOptions options = LocalJobOptions.withPrefix(PREFIX, true, dir.resolve("checkpoints").toUri(), "rocksdb");
        Topics.ensure(bootstrap, Map.of(options.transactionsTopic(), 1, options.labelsTopic(), 1));
        new HistoryReplayer(bootstrap, 0).replay(history.resolve(Generator.TRANSACTIONS_FILE), options.transactionsTopic());
        RecoveryChecks.resetOnlineStore(options, spec);

        RecoveryChecks.runThroughOutage(options, spec, kafka, OUTAGE);
        RecoveryChecks.assertNothingLostOrDuplicated(options, spec, history, manifest, dir);
    }
}
