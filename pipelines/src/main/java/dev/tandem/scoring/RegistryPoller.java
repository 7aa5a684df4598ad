package dev.tandem.scoring;

import dev.tandem.store.OnlineStoreConnections;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One poll of the model registry per call (the source calls it once a second): the decisions
 * after the last one seen. A registry that cannot be reached is retried at the next poll; the job
 * scores on with the decisions it has, and says so in its log.
 */
final class RegistryPoller implements GeneratorFunction<Long, RegistryPoll> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(RegistryPoller.class);

    private final String jdbcUrl;
    private final String user;
    private final String password;
    private long lastSeq;
    private transient Connection connection;

    RegistryPoller(String jdbcUrl, String user, String password, long lastSeq) {
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.password = password;
        this.lastSeq = lastSeq;
    }

    @Override
    public void open(SourceReaderContext context) {}

    @Override
    public RegistryPoll map(Long poll) {
        try {
            if (connection == null || !connection.isValid(2)) {
                close();
                connection = OnlineStoreConnections.open(jdbcUrl, user, password);
            }
            List<RegistryChange> changes = RegistryChanges.after(connection, lastSeq);
            if (!changes.isEmpty()) {
                lastSeq = changes.get(changes.size() - 1).seq;
            }
            return new RegistryPoll(changes.toArray(RegistryChange[]::new));
        } catch (Exception e) {
            LOG.warn("model registry not read at poll {} (scoring on with the decisions read before): {}", poll, e.toString());
            close();
            return new RegistryPoll();
        }
    }

    @Override
    public void close() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // a connection that failed is closed anyway
            }
            connection = null;
        }
    }
}
