package dev.tandem.store;

import dev.tandem.features.FeatureVector;
import dev.tandem.spec.CompiledSpec;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import org.apache.flink.connector.jdbc.JdbcStatementBuilder;

/** Binds one entity group's part of a feature vector to {@link OnlineStoreSchema#upsert}. */
public final class OnlineRowStatement implements JdbcStatementBuilder<FeatureVector> {
    private final int group;
    private final int offset;
    private final boolean[] integral;
    private final String featureSetVersion;
    private final boolean numericIds;

    public OnlineRowStatement(CompiledSpec spec, int group) {
        CompiledSpec.EntityGroup g = spec.entities.get(group);
        this.group = group;
        this.offset = g.offset();
        this.integral = new boolean[g.features().size()];
        for (int i = 0; i < integral.length; i++) {
            integral[i] = g.features().get(i).agg().integral();
        }
        this.featureSetVersion = OnlineStoreSchema.featureSetVersion(spec);
        this.numericIds = spec.eventIdOrder.numeric();
    }

    @Override
    public void accept(PreparedStatement ps, FeatureVector v) throws SQLException {
        int p = 1;
        ps.setString(p++, v.keys[group]);
        for (int i = 0; i < integral.length; i++) {
            double value = v.values[offset + i];
            if (Double.isNaN(value)) {
                ps.setNull(p++, integral[i] ? Types.BIGINT : Types.DOUBLE);
            } else if (integral[i]) {
                ps.setLong(p++, (long) value);
            } else {
                ps.setDouble(p++, value);
            }
        }
        if (numericIds) {
            ps.setLong(p++, Long.parseLong(v.eventId));
        } else {
            ps.setString(p++, v.eventId);
        }
        ps.setTimestamp(p++, new Timestamp(v.eventTime));
        if (v.ingestTime >= 0) {
            ps.setTimestamp(p++, new Timestamp(v.ingestTime));
        } else {
            ps.setNull(p++, Types.TIMESTAMP_WITH_TIMEZONE);
        }
        ps.setString(p, featureSetVersion);
    }
}
