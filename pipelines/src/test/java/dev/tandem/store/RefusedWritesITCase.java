package dev.tandem.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.tandem.local.LocalPostgres;
import dev.tandem.local.LocalServers;
import java.sql.Connection;
import java.sql.Statement;
import org.apache.flink.api.common.JobID;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.executiongraph.AccessExecutionVertex;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.execution.SuppressRestartsException;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.ExceptionUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The online-store sink on a real PostgreSQL and a Flink MiniCluster that would restart the job
 * many times: a refused login or a missing table ends the job at its first attempt, whether the
 * writer finds out when it opens (a restarted task logs in again) or when it writes; a database
 * that is merely away is retried.
 */
@ExtendWith(LocalServers.class)
class RefusedWritesITCase {
    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static final String TABLE = "refused_writes_check";

    @Test
    void aRefusedLoginWhenTheWriterOpensEndsTheJobAtItsFirstAttempt(@InjectMiniCluster MiniCluster flink) throws Exception {
        LocalPostgres pg = LocalServers.get().postgres();
        createTable(pg);
        Failed failed = run(flink, new OnlineStoreSink.Database(pg.jdbcUrl(), LocalPostgres.USER, "not-the-password"), TABLE);
        assertThat(ExceptionUtils.findThrowable(failed.cause(), SuppressRestartsException.class)).isPresent();
        assertThat(ExceptionUtils.stringifyException(failed.cause())).contains("SQLSTATE 28P01");
        assertThat(failed.restarts()).isZero();
    }

    @Test
    void aMissingTableWhenTheWriterWritesEndsTheJobAtItsFirstAttempt(@InjectMiniCluster MiniCluster flink) throws Exception {
        LocalPostgres pg = LocalServers.get().postgres();
        Failed failed = run(flink, new OnlineStoreSink.Database(pg.jdbcUrl(), LocalPostgres.USER, pg.password()), "no_such_table");
        assertThat(ExceptionUtils.findThrowable(failed.cause(), SuppressRestartsException.class)).isPresent();
        assertThat(ExceptionUtils.stringifyException(failed.cause())).contains("SQLSTATE 42P01");
        assertThat(failed.restarts()).isZero();
    }

    @Test
    void aDatabaseThatIsNotThereIsRetriedUntilTheAttemptsRunOut(@InjectMiniCluster MiniCluster flink) throws Exception {
        // Nothing listens on port 1: a connection failure (SQLSTATE 08), which may go away.
        Failed failed = run(flink, new OnlineStoreSink.Database("jdbc:postgresql://127.0.0.1:1/tandem", LocalPostgres.USER, "x"), TABLE);
        assertThat(ExceptionUtils.findThrowable(failed.cause(), SuppressRestartsException.class)).isEmpty();
        assertThat(ExceptionUtils.stringifyException(failed.cause())).contains("Connection to 127.0.0.1:1 refused");
        assertThat(failed.restarts()).isEqualTo(RESTARTS);
    }

    private static final int RESTARTS = 2;

    private record Failed(Throwable cause, int restarts) {}

    /**
     * Runs a small job writing three rows through the sink, restarting up to {@link #RESTARTS}
     * times: why it failed, and how often the sink's task was restarted (its attempt number).
     */
    private static Failed run(MiniCluster flink, OnlineStoreSink.Database database, String table) throws Exception {
        Configuration conf = new Configuration();
        conf.setString("restart-strategy.type", "fixed-delay");
        conf.setString("restart-strategy.fixed-delay.attempts", String.valueOf(RESTARTS));
        conf.setString("restart-strategy.fixed-delay.delay", "100 ms");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(1);
        SafeClosingJdbcSink<String> sink = SafeClosingJdbcSink.atLeastOnce("INSERT INTO " + table + " (id) VALUES (?)",
                (statement, id) -> statement.setString(1, id), OnlineStoreSink.batching(), database.options());
        env.fromData("a", "b", "c").sinkTo(sink).name("sink");
        JobClient job = env.executeAsync("refused-writes");
        JobID id = job.getJobID();
        Throwable cause = catchThrowable(() -> job.getJobExecutionResult().get());
        assertThat(cause).as("the job's failure").isNotNull();
        int restarts = 0;
        for (AccessExecutionVertex vertex : flink.getArchivedExecutionGraph(id).get().getAllExecutionVertices()) {
            restarts = Math.max(restarts, vertex.getCurrentExecutionAttempt().getAttemptNumber());
        }
        return new Failed(cause, restarts);
    }

    private static void createTable(LocalPostgres pg) throws Exception {
        try (Connection c = pg.connect(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS " + TABLE + " (id text)");
        }
    }
}
