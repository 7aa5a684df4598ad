package dev.tandem.udfs.functions;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import org.apache.flink.util.CollectionUtil;
import org.junit.jupiter.api.Test;

/** Every registered function is callable from real Flink SQL, through both registration paths. */
class FunctionRegistrySqlTest {

    private static final String QUERY =
            "SELECT PARSE_AMOUNT('1.234,50'), NORMALIZE_CURRENCY('eur'), "
                    + "PSEUDONYMIZE('4111111111111111'), HAVERSINE_KM(0.0, 0.0, 0.0, 1.0), "
                    + "BUCKETIZE(CAST(50 AS DOUBLE), CAST(10 AS DOUBLE), CAST(100 AS DOUBLE)), "
                    + "HOUR_SIN(PARSE_TIMESTAMP('2025-01-01T06:00:00Z'))";

    private static TableEnvironment batchEnv() {
        Configuration conf = new Configuration();
        conf.setString("tandem.pii.secret", "test-secret");
        conf.setString("pipeline.global-job-parameters", "tandem.pii.secret:test-secret");
        return TableEnvironment.create(EnvironmentSettings.newInstance().inBatchMode().withConfiguration(conf).build());
    }

    @Test
    void javaRegistrationServesSql() throws Exception {
        TableEnvironment env = batchEnv();
        FunctionRegistry.registerAll(env);
        assertRow(env);
    }

    @Test
    void generatedDdlServesSql() throws Exception {
        TableEnvironment env = batchEnv();
        for (String statement : FunctionRegistry.createStatements().split(";\n")) {
            env.executeSql(statement);
        }
        assertRow(env);
    }

    private static void assertRow(TableEnvironment env) throws Exception {
        try (CloseableIterator<Row> it = env.executeSql(QUERY).collect()) {
            List<Row> rows = CollectionUtil.iteratorToList(it);
            assertThat(rows).hasSize(1);
            Row row = rows.get(0);
            assertThat(row.getField(0).toString()).isEqualTo("1234.500000");
            assertThat(row.getField(1)).isEqualTo("EUR");
            // HMAC-SHA256 of the card number under "test-secret", first 16 bytes in hex (computed with Python's hmac).
            assertThat(row.getField(2)).isEqualTo("15e0d54329ac7909503c74553f815c41");
            // One degree of longitude on the equator: 2 * 6371.0088 km * asin(sin(0.5 degree)) = 111.19508 km.
            assertThat((Double) row.getField(3)).isEqualTo(111.1950802335329, org.assertj.core.data.Offset.offset(1e-9));
            assertThat(row.getField(4)).isEqualTo(1);
            assertThat((Double) row.getField(5)).isEqualTo(1.0, org.assertj.core.data.Offset.offset(1e-12));
        }
    }
}
