package dev.tandem.udfs.functions;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.table.annotation.DataTypeHint;
import org.apache.flink.table.annotation.FunctionHint;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.functions.TableFunction;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;

/**
 * The as-of aggregates in a real Flink SQL OVER window read exactly the rows strictly before the
 * current row's time within the frame's range: checked against the definitions, written out here,
 * on a random history with many rows per instant (peers), NULL values and NULL conditions.
 */
class AsOfAggregatesSqlTest {
    private static final long RANGE_MILLIS = 10_000;

    private record Event(int id, String key, long time, Double value, Boolean flag) implements Serializable {}

    /** The test's history as a table. */
    @FunctionHint(output = @DataTypeHint("ROW<id INT, k STRING, t BIGINT, v DOUBLE, flag BOOLEAN>"))
    public static final class EventRows extends TableFunction<Row> {
        private final List<Event> events;

        EventRows(List<Event> events) {
            this.events = events;
        }

        public void eval() {
            for (Event e : events) {
                collect(Row.of(e.id, e.key, e.time, e.value, e.flag));
            }
        }
    }

    @Test
    void overWindowsReadOnlyTheRowsBeforeTheCurrentInstant() throws Exception {
        Random random = new Random(7);
        List<Event> events = new ArrayList<>();
        for (int id = 0; id < 300; id++) {
            Double value = random.nextInt(8) == 0 ? null : random.nextInt(400) / 4.0;
            Boolean flag = random.nextInt(6) == 0 ? null : random.nextBoolean();
            events.add(new Event(id, "k" + random.nextInt(3), 1_700_000_000_000L + 1000L * random.nextInt(60), value, flag));
        }
        Configuration conf = new Configuration();
        conf.setString("parallelism.default", "1");
        conf.setString("table.exec.resource.default-parallelism", "1");
        TableEnvironment env = TableEnvironment.create(EnvironmentSettings.newInstance().inBatchMode().withConfiguration(conf).build());
        FunctionRegistry.registerAll(env);
        env.createTemporarySystemFunction("TEST_EVENTS", new EventRows(events));
        // Ordered by epoch milliseconds: batch mode's RANGE frames cannot range over a timestamp (DESIGN.md).
        env.executeSql("CREATE TEMPORARY VIEW events AS SELECT e.* FROM (VALUES (1)) AS single_row(x), LATERAL TABLE(TEST_EVENTS()) AS e");
        String query = "SELECT id, ASOF_COUNT(t, flag) OVER w, ASOF_COUNT(t, TRUE) OVER w, ASOF_AVG(t, v) OVER w, "
                + "ASOF_PERCENTILE(t, v, 0.9) OVER w, ASOF_PERCENTILE(t, v, 0.07) OVER w FROM events "
                + "WINDOW w AS (PARTITION BY k ORDER BY t RANGE BETWEEN 10000 PRECEDING AND CURRENT ROW)";
        Map<Integer, Row> rows = new HashMap<>();
        try (CloseableIterator<Row> it = env.executeSql(query).collect()) {
            it.forEachRemaining(row -> rows.put((Integer) row.getField(0), row));
        }
        assertThat(rows).hasSize(events.size());
        int withPeers = 0;
        for (Event e : events) {
            List<Event> earlier = events.stream()
                    .filter(o -> o.key.equals(e.key) && o.time < e.time && o.time >= e.time - RANGE_MILLIS).toList();
            withPeers += events.stream().anyMatch(o -> o != e && o.key.equals(e.key) && o.time == e.time) ? 1 : 0;
            List<Double> present = earlier.stream().map(Event::value).filter(v -> v != null).sorted().toList();
            Row row = rows.get(e.id);
            assertThat(row.getField(1)).as("count where, event %d", e.id).isEqualTo(earlier.stream().filter(o -> Boolean.TRUE.equals(o.flag)).count());
            assertThat(row.getField(2)).as("count, event %d", e.id).isEqualTo((long) earlier.size());
            assertThat(row.getField(3)).as("avg, event %d", e.id)
                    .isEqualTo(present.isEmpty() ? null : present.stream().mapToDouble(Double::doubleValue).sum() / present.size());
            // Nearest rank ceil(q n), in integers: ceil(9 n / 10) and ceil(7 n / 100).
            assertThat(row.getField(4)).as("p90, event %d", e.id).isEqualTo(present.isEmpty() ? null : present.get((9 * present.size() + 9) / 10 - 1));
            assertThat(row.getField(5)).as("p7, event %d", e.id).isEqualTo(present.isEmpty() ? null : present.get((7 * present.size() + 99) / 100 - 1));
        }
        assertThat(withPeers).as("rows that share their instant with another row of their key").isGreaterThan(100);
    }
}
