package dev.tandem.sql;

import dev.tandem.spec.CompiledSpec;
import dev.tandem.store.OnlineStoreSchema;
import java.util.ArrayList;
import java.util.List;

/**
 * Flink SQL tables over what a spec's jobs write: the offline feature store (Parquet) and the
 * online store (PostgreSQL through the JDBC connector). Generated from the spec, like the online
 * store's own tables, so the columns cannot drift from the features.
 */
public final class SpecTables {
    private SpecTables() {}

    public static List<String> createStatements(CompiledSpec spec) {
        List<String> statements = new ArrayList<>();
        statements.add(offlineFeatures(spec));
        statements.add(featureTopic(spec));
        for (CompiledSpec.EntityGroup group : spec.entities) {
            statements.add(online(spec, group));
        }
        return statements;
    }

    /** The offline store: per-event vectors written by the batch (or file streaming) run. */
    static String offlineFeatures(CompiledSpec spec) {
        StringBuilder ddl = new StringBuilder("CREATE TABLE IF NOT EXISTS offline_features (\n");
        ddl.append(vectorColumns(spec));
        // The partition directory (event_date=YYYY-MM-DD) is a column: WHERE event_date = '...' reads one day's files.
        ddl.append("  feature_set_version STRING,\n  event_date STRING,\n  event_ts AS TO_TIMESTAMP_LTZ(event_time, 3)\n");
        ddl.append(") PARTITIONED BY (event_date) WITH (\n  'connector' = 'filesystem',\n  'path' = '${OFFLINE_DIR}/features',\n");
        ddl.append("  'format' = 'parquet'\n)");
        return ddl.toString();
    }

    /** The exactly-once topic of per-event vectors, read as a scoring service reads it: committed only. */
    static String featureTopic(CompiledSpec spec) {
        StringBuilder ddl = new StringBuilder("CREATE TABLE IF NOT EXISTS features_kafka (\n");
        ddl.append(vectorColumns(spec));
        ddl.append("  feature_set_version STRING,\n  event_ts AS TO_TIMESTAMP_LTZ(event_time, 3)\n");
        ddl.append(") WITH (\n  'connector' = 'kafka',\n  'topic' = 'features',\n");
        ddl.append("  'properties.bootstrap.servers' = '${KAFKA_BOOTSTRAP}',\n  'properties.group.id' = 'tandem-sql',\n");
        ddl.append("  'properties.isolation.level' = 'read_committed',\n  'scan.startup.mode' = 'earliest-offset',\n  'format' = 'json'\n)");
        return ddl.toString();
    }

    private static String eventIdType(CompiledSpec spec) {
        return spec.eventIdOrder.numeric() ? "BIGINT" : "STRING";
    }

    /** The columns of a per-event vector, as FeatureTableSchema lays them out. */
    private static String vectorColumns(CompiledSpec spec) {
        StringBuilder columns = new StringBuilder("  event_id " + eventIdType(spec) + ",\n  event_time BIGINT,\n");
        for (String key : dev.tandem.job.FeatureTableSchema.keyColumns(spec)) {
            columns.append("  ").append(key).append(" STRING,\n");
        }
        for (CompiledSpec.Feature f : spec.allFeatures()) {
            columns.append("  ").append(f.name()).append(f.agg().integral() ? " BIGINT" : " DOUBLE").append(",\n");
        }
        return columns.toString();
    }

    /** The online store: the latest vector per entity, as the streaming job upserts it. */
    static String online(CompiledSpec spec, CompiledSpec.EntityGroup group) {
        String table = OnlineStoreSchema.table(spec, group);
        StringBuilder ddl = new StringBuilder("CREATE TABLE IF NOT EXISTS online_" + group.name() + " (\n");
        ddl.append("  entity_key STRING,\n");
        for (CompiledSpec.Feature f : group.features()) {
            ddl.append("  ").append(f.name().toLowerCase(java.util.Locale.ROOT)).append(f.agg().integral() ? " BIGINT" : " DOUBLE").append(",\n");
        }
        ddl.append("  event_id " + eventIdType(spec) + ",\n  event_time TIMESTAMP_LTZ(3),\n  source_appended_at TIMESTAMP_LTZ(3),\n");
        ddl.append("  written_at TIMESTAMP_LTZ(3),\n  feature_set_version STRING,\n  PRIMARY KEY (entity_key) NOT ENFORCED\n");
        ddl.append(") WITH (\n  'connector' = 'jdbc',\n  'url' = '${JDBC_URL}',\n  'table-name' = '").append(table)
                .append("',\n  'username' = '${JDBC_USER}',\n  'password' = '${JDBC_PASSWORD}'\n)");
        return ddl.toString();
    }
}
