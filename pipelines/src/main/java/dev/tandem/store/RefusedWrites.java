package dev.tandem.store;

import java.io.IOException;
import java.sql.SQLException;
import org.apache.flink.runtime.execution.SuppressRestartsException;

/**
 * Tells a database that is away from one that refuses the writes. Connection failures (SQLSTATE
 * class 08) and the like come and go: the task fails and the job restarts from its checkpoint until
 * the database is back. A missing table, a missing privilege or a failed login (classes 42 and 28)
 * do not go away by restarting: the job fails at once, with the database's words, instead of
 * restarting until its attempts run out.
 */
final class RefusedWrites {
    private RefusedWrites() {}

    /** The failure as it is, or as a job-ending one when the database refuses the writes themselves. */
    static IOException classify(Exception failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && refuses(sql.getSQLState())) {
                throw new SuppressRestartsException(new IllegalStateException("the online store refuses the job's writes "
                        + "(SQLSTATE " + sql.getSQLState() + "): " + sql.getMessage().lines().findFirst().orElse(""), failure));
            }
        }
        return failure instanceof IOException io ? io : new IOException(failure);
    }

    private static boolean refuses(String state) {
        return state != null && (state.startsWith("42") || state.startsWith("28"));
    }
}
