package dev.tandem.job;

import java.net.URI;
import java.time.Duration;

/** What the Kafka → features → PostgreSQL + Kafka job needs; checkpoints go to any Flink file system (file, s3, ...). */
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
        String piiSecret) {}
