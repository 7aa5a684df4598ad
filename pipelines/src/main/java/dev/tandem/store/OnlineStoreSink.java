package dev.tandem.store;

import dev.tandem.features.FeatureVector;
import dev.tandem.spec.CompiledSpec;
import java.io.Serializable;
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

    /** Batched writes: a per-event round trip would cap throughput at the database's latency. */
    public static JdbcExecutionOptions batching() {
        return JdbcExecutionOptions.builder().withBatchSize(1000).withBatchIntervalMs(200).withMaxRetries(5).build();
    }

    /** Upserts each vector's part of entity group {@code group} into that group's online table. */
    public static SafeClosingJdbcSink<FeatureVector> forGroup(CompiledSpec spec, int group, JdbcConnectionOptions connection) {
        return SafeClosingJdbcSink.atLeastOnce(OnlineStoreSchema.upsert(spec, spec.entities.get(group)), new OnlineRowStatement(spec, group),
                batching(), connection);
    }
}
