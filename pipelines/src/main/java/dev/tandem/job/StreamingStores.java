package dev.tandem.job;

import dev.tandem.kafka.Topics;
import dev.tandem.quality.QualityStore;
import dev.tandem.spec.CompiledSpec;
import dev.tandem.store.OnlineStoreSchema;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.Map;

/** What a streaming run reads and writes, emptied so a run (demo, benchmark) reports on itself only. */
public final class StreamingStores {
    private StreamingStores() {}

    /**
     * Deletes the run's topics and its consumer group, drops the spec's online tables and quality rows, and
     * creates the input topics again with one partition (the order lateness is defined on).
     */
    public static void reset(StreamingJobOptions run, CompiledSpec spec) throws Exception {
        String bootstrap = run.bootstrapServers();
        Topics.delete(bootstrap, run.transactionsTopic(), run.labelsTopic(), run.featuresTopic(), run.deadLettersTopic(),
                run.alertsTopic(), run.lineageTopic(), run.erasuresTopic(), run.predictionsTopic());
        Topics.deleteConsumerGroup(bootstrap, run.groupId());
        Topics.ensure(bootstrap, Map.of(run.transactionsTopic(), Topics.DEFAULT_INPUT_PARTITIONS, run.labelsTopic(), 1));
        try (Connection c = DriverManager.getConnection(run.jdbcUrl(), run.jdbcUser(), run.jdbcPassword())) {
            OnlineStoreSchema.drop(c, spec);
            QualityStore.delete(c, OnlineStoreSchema.featureSetVersion(spec));
        }
    }
}
