package dev.tandem.job;

import java.nio.file.Path;
import java.time.Duration;

/** What the Kafka → features → PostgreSQL + Kafka job needs. */
public record StreamingJobOptions(
        String bootstrapServers,
        String groupId,
        String transactionsTopic,
        String labelsTopic,
        String featuresTopic,
        String deadLettersTopic,
        boolean bounded,
        String jdbcUrl,
        String jdbcUser,
        String jdbcPassword,
        int parallelism,
        Duration checkpointInterval,
        Path checkpointDir,
        String stateBackend,
        String piiSecret) {}
