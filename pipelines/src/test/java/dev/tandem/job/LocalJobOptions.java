package dev.tandem.job;

import dev.tandem.kafka.Topics;
import dev.tandem.local.LocalPostgres;
import dev.tandem.local.LocalServers;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;

/** Streaming jobs of integration tests, on the test run's Kafka and PostgreSQL. */
public final class LocalJobOptions {
    private LocalJobOptions() {}

    /**
     * A job whose topics and consumer group are named with {@code prefix} (so tests sharing the
     * broker never read each other's records), parallelism 2, checkpoints every second into
     * {@code checkpoints}.
     */
    public static StreamingJobOptions withPrefix(String prefix, boolean bounded, URI checkpoints, String stateBackend) throws IOException {
        LocalServers.Servers servers = LocalServers.get();
        return new StreamingJobOptions(servers.kafka().bootstrapServers(), prefix + "group", prefix + Topics.TRANSACTIONS,
                prefix + Topics.LABELS, prefix + Topics.FEATURES, prefix + Topics.DEAD_LETTERS, prefix + Topics.ALERTS,
                prefix + Topics.LINEAGE, prefix + Topics.ERASURES, bounded, servers.postgres().jdbcUrl(), LocalPostgres.USER,
                servers.postgres().password(), 2, Duration.ofSeconds(1), checkpoints, stateBackend, FeatureRuns.SECRET);
    }
}
