package dev.tandem.store;

import java.io.IOException;
import java.util.Collection;
import java.util.List;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.api.connector.sink2.CommitterInitContext;
import org.apache.flink.api.connector.sink2.CommittingSinkWriter;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.StatefulSinkWriter;
import org.apache.flink.api.connector.sink2.SupportsCommitter;
import org.apache.flink.api.connector.sink2.SupportsWriterState;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.connector.jdbc.JdbcConnectionOptions;
import org.apache.flink.connector.jdbc.JdbcExecutionOptions;
import org.apache.flink.connector.jdbc.JdbcStatementBuilder;
import org.apache.flink.connector.jdbc.core.datastream.sink.JdbcSink;
import org.apache.flink.connector.jdbc.core.datastream.sink.committer.JdbcCommitable;
import org.apache.flink.connector.jdbc.core.datastream.sink.writer.JdbcWriterState;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JDBC connector's sink, with one repair: its writer's {@code close()} never throws. When the
 * database goes away, a flush gives up, the task fails — and Flink then closes the writer, whose
 * output format flushes the same batch again through a statement it already lost; the
 * NullPointerException escaped from the task's failure handling, Flink took the TaskManager down as
 * FATAL and an embedded job hung (measured with connector 4.0.0-2.0 on Flink 2.3). Here the task
 * fails with the first cause, the writer's close logs and swallows what follows, and the job
 * restarts from its checkpoint: the rows of the lost batch are written again after the restart,
 * and the upserts are idempotent. A database that refuses the writes (a missing table or privilege,
 * a failed login) ends the job instead, whether a write or a restarted writer's login finds out
 * ({@link RefusedWrites}). Everything else (state, committer, topology) is the connector's,
 * so savepoints are unchanged.
 */
public final class SafeClosingJdbcSink<IN>
        implements Sink<IN>, SupportsWriterState<IN, JdbcWriterState>, SupportsCommitter<JdbcCommitable> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(SafeClosingJdbcSink.class);

    private final JdbcSink<IN> sink;

    public SafeClosingJdbcSink(JdbcSink<IN> sink) {
        this.sink = sink;
    }

    /** An at-least-once sink of {@code sql} (an idempotent upsert), batched as {@code execution} says. */
    public static <IN> SafeClosingJdbcSink<IN> atLeastOnce(String sql, JdbcStatementBuilder<IN> binder, JdbcExecutionOptions execution,
            JdbcConnectionOptions connection) {
        return new SafeClosingJdbcSink<>(JdbcSink.<IN>builder().withQueryStatement(sql, binder).withExecutionOptions(execution)
                .buildAtLeastOnce(connection));
    }

    @Override
    public SinkWriter<IN> createWriter(WriterInitContext context) throws IOException {
        try {
            return new Writer<>(sink.createWriter(context));
        } catch (IOException | RuntimeException e) {
            throw RefusedWrites.classify(e); // a restarted task logs in again: a refused login ends the job here too
        }
    }

    @Override
    public StatefulSinkWriter<IN, JdbcWriterState> restoreWriter(WriterInitContext context, Collection<JdbcWriterState> state)
            throws IOException {
        try {
            return new Writer<>(sink.restoreWriter(context, state));
        } catch (IOException | RuntimeException e) {
            throw RefusedWrites.classify(e);
        }
    }

    @Override
    public SimpleVersionedSerializer<JdbcWriterState> getWriterStateSerializer() {
        return sink.getWriterStateSerializer();
    }

    @Override
    public Committer<JdbcCommitable> createCommitter(CommitterInitContext context) throws IOException {
        return sink.createCommitter(context);
    }

    @Override
    public SimpleVersionedSerializer<JdbcCommitable> getCommittableSerializer() {
        return sink.getCommittableSerializer();
    }

    /** The connector's writer, closed without letting a second failure escape. */
    private static final class Writer<IN>
            implements StatefulSinkWriter<IN, JdbcWriterState>, CommittingSinkWriter<IN, JdbcCommitable> {
        private final org.apache.flink.connector.jdbc.core.datastream.sink.writer.JdbcWriter<IN> writer;

        Writer(org.apache.flink.connector.jdbc.core.datastream.sink.writer.JdbcWriter<IN> writer) {
            this.writer = writer;
        }

        @Override
        public void write(IN element, Context context) throws IOException, InterruptedException {
            try {
                writer.write(element, context);
            } catch (IOException | RuntimeException e) {
                throw RefusedWrites.classify(e);
            }
        }

        @Override
        public void flush(boolean endOfInput) throws IOException, InterruptedException {
            try {
                writer.flush(endOfInput);
            } catch (IOException | RuntimeException e) {
                throw RefusedWrites.classify(e);
            }
        }

        @Override
        public List<JdbcWriterState> snapshotState(long checkpointId) throws IOException {
            return writer.snapshotState(checkpointId);
        }

        @Override
        public Collection<JdbcCommitable> prepareCommit() throws IOException, InterruptedException {
            return writer.prepareCommit();
        }

        @Override
        public void close() {
            try {
                writer.close();
            } catch (Throwable e) {
                // The task has already failed or is finishing; its rows come again from the checkpoint.
                LOG.warn("closing the JDBC writer failed (the rows of its last batch are written again after the restart): {}",
                        e.toString());
            }
        }
    }
}
