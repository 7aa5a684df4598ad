package dev.tandem.store;

import dev.tandem.training.LabelEvent;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import org.apache.flink.connector.jdbc.JdbcStatementBuilder;

/** Binds a label to {@link OnlineStoreSchema#labelUpsert}. */
public final class LabelRowStatement implements JdbcStatementBuilder<LabelEvent> {
    @Override
    public void accept(PreparedStatement ps, LabelEvent label) throws SQLException {
        ps.setString(1, label.eventId);
        ps.setTimestamp(2, new Timestamp(label.labelTime));
    }
}
