package dev.tandem.parity;

import dev.tandem.spec.CompiledSpec;
import dev.tandem.spec.EventIdOrder;
import dev.tandem.store.OnlineStoreSchema;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.avro.generic.GenericRecord;

/**
 * Compares the online store with a batch output: for every entity, the row in PostgreSQL must be
 * the batch output's last vector for that entity (newest event time, then largest event id).
 */
public final class OnlineStoreParity {
    private OnlineStoreParity() {}

    /**
     * Per entity group: entities compared, differing, missing online, extra online, and the online
     * rows as of an event the batch output does not hold at all (rows another run wrote).
     */
    public record GroupResult(String group, long entities, long mismatched, long missingOnline, long extraOnline, long foreignRows,
            List<String> examples) {
        public boolean passed() {
            return mismatched == 0 && missingOnline == 0 && extraOnline == 0;
        }
    }

    public static List<GroupResult> compare(Path batchOutput, CompiledSpec spec, Connection connection) throws IOException, SQLException {
        Set<String> batchEvents = new HashSet<>();
        new FeatureTable(batchOutput).forEach(row -> batchEvents.add(row.get("event_id").toString()));
        List<GroupResult> results = new ArrayList<>();
        for (CompiledSpec.EntityGroup group : spec.entities) {
            Map<String, GenericRecord> last = lastPerEntity(batchOutput, group.keyName(), spec.eventIdOrder);
            results.add(compareGroup(spec, group, last, batchEvents, connection));
        }
        return results;
    }

    private static Map<String, GenericRecord> lastPerEntity(Path batchOutput, String keyColumn, EventIdOrder ids) throws IOException {
        Map<String, GenericRecord> last = new HashMap<>();
        new FeatureTable(batchOutput).forEach(row -> {
            String key = row.get(keyColumn).toString();
            last.merge(key, row, (a, b) -> newer(a, b, ids) ? a : b);
        });
        return last;
    }

    private static boolean newer(GenericRecord a, GenericRecord b, EventIdOrder ids) {
        int byTime = Long.compare((Long) a.get("event_time"), (Long) b.get("event_time"));
        return byTime != 0 ? byTime > 0 : ids.compare(a.get("event_id").toString(), b.get("event_id").toString()) > 0;
    }

    private static GroupResult compareGroup(CompiledSpec spec, CompiledSpec.EntityGroup group,
            Map<String, GenericRecord> expected, Set<String> batchEvents, Connection connection) throws SQLException {
        long mismatched = 0;
        long extra = 0;
        long foreign = 0;
        long seen = 0;
        List<String> examples = new ArrayList<>();
        try (Statement st = connection.createStatement();
                ResultSet rs = st.executeQuery("SELECT * FROM " + OnlineStoreSchema.table(spec, group))) {
            while (rs.next()) {
                String key = rs.getString(OnlineStoreSchema.KEY_COLUMN);
                if (!batchEvents.contains(rs.getString("event_id"))) {
                    foreign++;
                }
                GenericRecord want = expected.get(key);
                if (want == null) {
                    extra++;
                    continue;
                }
                seen++;
                String difference = difference(group, want, rs);
                if (difference != null) {
                    mismatched++;
                    if (examples.size() < ParityReport.MAX_EXAMPLES) {
                        examples.add(group.name() + " " + key + ": " + difference);
                    }
                }
            }
        }
        return new GroupResult(group.name(), expected.size(), mismatched, expected.size() - seen, extra, foreign, examples);
    }

    private static String difference(CompiledSpec.EntityGroup group, GenericRecord want, ResultSet rs) throws SQLException {
        if (!want.get("event_id").toString().equals(rs.getString("event_id"))) {
            return "online is as of " + rs.getString("event_id") + ", batch's last event is " + want.get("event_id");
        }
        for (CompiledSpec.Feature f : group.features()) {
            Object online = rs.getObject(f.name().toLowerCase(java.util.Locale.ROOT));
            Object batch = want.get(f.name());
            if (online instanceof Number n && batch instanceof Long) {
                online = n.longValue();
            }
            if (!ParityChecker.equal(batch, online)) {
                return f.name() + " online " + online + ", batch " + batch;
            }
        }
        return null;
    }
}
