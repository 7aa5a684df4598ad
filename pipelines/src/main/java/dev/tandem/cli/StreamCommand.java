package dev.tandem.cli;

import dev.tandem.job.RetainedCheckpoints;
import dev.tandem.job.StreamingJob;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.core.execution.DetachedJobExecutionResult;
import dev.tandem.job.StreamingJobOptions;
import dev.tandem.kafka.Topics;
import dev.tandem.spec.CompiledSpec;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "stream", mixinStandardHelpOptions = true,
        description = "Run the streaming job: transactions from Kafka; latest vector per entity upserted into "
                + "PostgreSQL; every vector on an exactly-once Kafka topic; dead letters on a topic.")
final class StreamCommand implements Callable<Integer> {
    @Mixin
    OnlineStoreOptions store;

    @Option(names = "--bootstrap", defaultValue = "${env:TANDEM_KAFKA_BOOTSTRAP:-127.0.0.1:9092}",
            description = "Kafka bootstrap servers (default: TANDEM_KAFKA_BOOTSTRAP, else 127.0.0.1:9092).")
    String bootstrap;

    @Option(names = "--spec", description = "Feature spec (YAML). Default: the flagship card-fraud spec.")
    Path spec;

    @Option(names = "--bounded", description = "Stop at the offsets that are the latest when the job starts (replays, tests).")
    boolean bounded;

    @Option(names = "--group-id", defaultValue = "tandem-streaming", description = "Kafka consumer group (default ${DEFAULT-VALUE}).")
    String groupId;

    @Option(names = "--topic-prefix", defaultValue = "", description = "Prefix of the topics' names (transactions, "
            + "labels, features, dead-letters, alerts, lineage, erasures), to run several pipelines on one Kafka (default none).")
    String topicPrefix;

    @Option(names = "--parallelism", defaultValue = "2", description = "Parallelism of keyed operators (default ${DEFAULT-VALUE}).")
    int parallelism;

    @Option(names = "--checkpoint-interval", defaultValue = "PT10S", description = "Checkpoint interval, ISO-8601 (default ${DEFAULT-VALUE}).")
    Duration checkpointInterval;

    @Option(names = "--checkpoint-dir", defaultValue = "${env:TANDEM_CHECKPOINT_DIR:-.tandem/checkpoints}",
            description = "Checkpoint directory or URI such as s3://bucket/checkpoints (default: TANDEM_CHECKPOINT_DIR, else .tandem/checkpoints).")
    String checkpointDir;

    @Option(names = "--state-backend", defaultValue = "rocksdb", description = "rocksdb (incremental checkpoints) or hashmap (default ${DEFAULT-VALUE}).")
    String stateBackend;

    @Option(names = "--drift-baseline", paramLabel = "FILE", description = "A training set's _baseline.json: score each "
            + "window's drift against it into PostgreSQL (quality_drift) and alert above the threshold.")
    Path driftBaseline;

    @Option(names = "--from-savepoint", paramLabel = "PATH", description = "Start from a savepoint or retained checkpoint "
            + "(for example one written by bootstrap-state); the Kafka source starts at the consumer group's committed offsets "
            + "when the savepoint has none of its own.")
    String fromSavepoint;

    @Option(names = "--from-checkpoint", paramLabel = "latest|PATH", description = "Start from a retained checkpoint: its path, "
            + "or 'latest', the newest complete one under --checkpoint-dir (after a crash that took the job's JobManager with it).")
    String fromCheckpoint;

    @Option(names = "--restart-attempts", defaultValue = "25", description = "Restarts in a row (each after a growing pause, "
            + "1 s to 20 s; a minute of running resets the count) before the job fails for good and the command exits 1 "
            + "with the cause (default ${DEFAULT-VALUE}: about 8 minutes of failures that keep coming). An online store that "
            + "refuses the writes (a missing table or privilege) ends the job at once.")
    int restartAttempts;

    @Mixin
    PiiOptions pii;

    @Override
    public Integer call() throws Exception {
        CompiledSpec compiled = FeaturesRun.compile(spec);
        JobExecutionResult result = StreamingJob.run(options(compiled), compiled, FeaturesRun.driftBaseline(compiled, driftBaseline));
        // Submitted detached (flink run -d), execute returns as soon as the job runs.
        System.out.println("streaming job " + result.getJobID() + (result instanceof DetachedJobExecutionResult ? " submitted" : " finished"));
        return 0;
    }

    StreamingJobOptions options(CompiledSpec compiled) throws Exception {
        return new StreamingJobOptions(bootstrap, groupId, topicPrefix + Topics.TRANSACTIONS, topicPrefix + Topics.LABELS,
                topicPrefix + Topics.FEATURES, topicPrefix + Topics.DEAD_LETTERS, topicPrefix + Topics.ALERTS, topicPrefix + Topics.LINEAGE, topicPrefix + Topics.ERASURES, bounded,
                store.jdbcUrl(), store.user, store.password(), parallelism, checkpointInterval,
                checkpointUri(checkpointDir), stateBackend, pii.required("stream"), restorePath(), restartAttempts);
    }

    /** Where the job starts from: a savepoint, a retained checkpoint, or nothing. */
    private String restorePath() {
        if (fromSavepoint != null && fromCheckpoint != null) {
            throw new UsageError("give --from-savepoint or --from-checkpoint, not both");
        }
        return fromCheckpoint != null ? checkpoint(fromCheckpoint, checkpointUri(checkpointDir)) : fromSavepoint;
    }

    /** A retained checkpoint's path; 'latest' is the newest complete one under {@code dir}. */
    static String checkpoint(String given, URI dir) {
        if (!given.equals("latest")) {
            return given;
        }
        try {
            return RetainedCheckpoints.latest(dir).map(p -> p.toUri().toString())
                    .orElseThrow(() -> new UsageError("no complete checkpoint under " + dir + " to start from"));
        } catch (IllegalArgumentException notLocal) {
            throw new UsageError(notLocal.getMessage());
        }
    }

    /** A URI stays as it is; a local path becomes an absolute file URI. */
    static URI checkpointUri(String dir) {
        return dir.contains("://") ? URI.create(dir) : Path.of(dir).toAbsolutePath().toUri();
    }
}
