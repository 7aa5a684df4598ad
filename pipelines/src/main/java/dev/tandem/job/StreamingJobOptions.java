package dev.tandem.job;

import java.net.URI;
import java.time.Duration;

/**
 * What the Kafka → features → PostgreSQL + Kafka job needs; checkpoints go to any Flink file system
 * (file, s3, ...). {@code restoreFrom}: a savepoint or retained checkpoint to start from, or null.
 */
public record StreamingJobOptions(
        String bootstrapServers,
        String groupId,
        String transactionsTopic,
        String labelsTopic,
        String featuresTopic,
        String deadLettersTopic,
        String alertsTopic,
        String lineageTopic,
        String erasuresTopic,
        boolean bounded,
        String jdbcUrl,
        String jdbcUser,
        String jdbcPassword,
        int parallelism,
        Duration checkpointInterval,
        URI checkpointDir,
        String stateBackend,
        String piiSecret,
        String restoreFrom) {

    /** A job that starts with empty state. */
    public StreamingJobOptions(String bootstrapServers, String groupId, String transactionsTopic, String labelsTopic,
            String featuresTopic, String deadLettersTopic, String alertsTopic, String lineageTopic, String erasuresTopic,
            boolean bounded, String jdbcUrl, String jdbcUser, String jdbcPassword, int parallelism, Duration checkpointInterval,
            URI checkpointDir, String stateBackend, String piiSecret) {
        this(bootstrapServers, groupId, transactionsTopic, labelsTopic, featuresTopic, deadLettersTopic, alertsTopic, lineageTopic,
                erasuresTopic, bounded, jdbcUrl, jdbcUser, jdbcPassword, parallelism, checkpointInterval, checkpointDir, stateBackend,
                piiSecret, null);
    }

    /** The same job, started from a savepoint or retained checkpoint. */
    public StreamingJobOptions restoringFrom(String path) {
        return new StreamingJobOptions(bootstrapServers, groupId, transactionsTopic, labelsTopic, featuresTopic, deadLettersTopic,
                alertsTopic, lineageTopic, erasuresTopic, bounded, jdbcUrl, jdbcUser, jdbcPassword, parallelism, checkpointInterval,
                checkpointDir, stateBackend, piiSecret, path);
    }
}
