package dev.tandem.store;

import dev.tandem.features.FeatureVector;
import dev.tandem.spec.CompiledSpec;
import java.io.Serializable;
import java.time.Duration;
import org.apache.flink.connector.jdbc.JdbcConnectionOptions;
import org.apache.flink.connector.jdbc.JdbcExecutionOptions;

/**
 * How Tandem's jobs write PostgreSQL: batched at-least-once upserts that are idempotent (the online
 * store's guard never moves a row back in (event time, event id)), through a sink whose failure
 * path fails the task cleanly.
 */
public final class OnlineStoreSink {
    /** Where the online store is and who writes it. */
    public record Database(String url, String user, String password) implements Serializable {
        public JdbcConnectionOptions options() {
            return new JdbcConnectionOptions.JdbcConnectionOptionsBuilder()
                    .withUrl(url).withDriverName("org.postgresql.Driver").withUsername(user).withPassword(password).build();
        }
    }

    private OnlineStoreSink() {}

    /** Rows per JDBC batch. */
    public static final int BATCH_SIZE = 1000;
    /**
     * How long an online row waits for a newer one of its key ({@link NewestRowPerKey}); with the
     * online batches' own interval, a row waits at most as long as it did before rows were coalesced.
     */
    public static final Duration COALESCE_WINDOW = Duration.ofMillis(100);

    /** Batched writes: a per-event round trip would cap throughput at the database's latency. */
    public static JdbcExecutionOptions batching() {
        return batching(200);
    }

    private static JdbcExecutionOptions batching(long intervalMillis) {
        return JdbcExecutionOptions.builder().withBatchSize(BATCH_SIZE).withBatchIntervalMs(intervalMillis).withMaxRetries(5).build();
    }

    /** Upserts each vector's part of entity group {@code group} into that group's online table (rows already coalesced). */
    public static SafeClosingJdbcSink<FeatureVector> forGroup(CompiledSpec spec, int group, JdbcConnectionOptions connection) {
        return SafeClosingJdbcSink.atLeastOnce(OnlineStoreSchema.upsert(spec, spec.entities.get(group)), new OnlineRowStatement(spec, group),
                batching(200 - COALESCE_WINDOW.toMillis()), connection);
    }
}
