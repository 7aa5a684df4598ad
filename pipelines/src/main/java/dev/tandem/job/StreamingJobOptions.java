package dev.tandem.job;

import java.net.URI;
import java.time.Duration;

/**
 * What the Kafka → features → PostgreSQL + Kafka job needs; checkpoints go to any Flink file system
 * (file, s3, ...). {@code restoreFrom}: a savepoint or retained checkpoint to start from, or null.
 * {@code restartAttempts}: restarts in a row (without a minute of running between them) before the
 * job fails for good.
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
        String restoreFrom,
        int restartAttempts) {

    public static final int DEFAULT_RESTART_ATTEMPTS = 25;

    /** A job that starts with empty state. */
    public StreamingJobOptions(String bootstrapServers, String groupId, String transactionsTopic, String labelsTopic,
            String featuresTopic, String deadLettersTopic, String alertsTopic, String lineageTopic, String erasuresTopic,
            boolean bounded, String jdbcUrl, String jdbcUser, String jdbcPassword, int parallelism, Duration checkpointInterval,
            URI checkpointDir, String stateBackend, String piiSecret) {
        this(bootstrapServers, groupId, transactionsTopic, labelsTopic, featuresTopic, deadLettersTopic, alertsTopic, lineageTopic,
                erasuresTopic, bounded, jdbcUrl, jdbcUser, jdbcPassword, parallelism, checkpointInterval, checkpointDir, stateBackend,
                piiSecret, null, DEFAULT_RESTART_ATTEMPTS);
    }

    /**
     * The topic of a feature source: its {@code topic:} behind the prefix the transactions topic
     * has (the {@code --topic-prefix} every topic of a run shares).
     */
    public String topicOf(dev.tandem.spec.CompiledSpec.EventSource feed) {
        return dev.tandem.kafka.TopicNames.of(feed, transactionsTopic);
    }

    /** The predictions topic, beside the features topic (same prefix). */
    public String predictionsTopic() {
        String features = dev.tandem.kafka.Topics.FEATURES;
        return featuresTopic.endsWith(features)
                ? featuresTopic.substring(0, featuresTopic.length() - features.length()) + dev.tandem.kafka.Topics.PREDICTIONS
                : featuresTopic + "-" + dev.tandem.kafka.Topics.PREDICTIONS;
    }

    /** The same job, started from a savepoint or retained checkpoint. */
    public StreamingJobOptions restoringFrom(String path) {
        return new StreamingJobOptions(bootstrapServers, groupId, transactionsTopic, labelsTopic, featuresTopic, deadLettersTopic,
                alertsTopic, lineageTopic, erasuresTopic, bounded, jdbcUrl, jdbcUser, jdbcPassword, parallelism, checkpointInterval,
                checkpointDir, stateBackend, piiSecret, path, restartAttempts);
    }

    /** The same job, failing for good after {@code attempts} restarts in a row. */
    public StreamingJobOptions withRestartAttempts(int attempts) {
        return new StreamingJobOptions(bootstrapServers, groupId, transactionsTopic, labelsTopic, featuresTopic, deadLettersTopic,
                alertsTopic, lineageTopic, erasuresTopic, bounded, jdbcUrl, jdbcUser, jdbcPassword, parallelism, checkpointInterval,
                checkpointDir, stateBackend, piiSecret, restoreFrom, attempts);
    }
}
