package dev.tandem.local;

/** A real server Tandem runs on this machine (Kafka, PostgreSQL): started, and stopped, idempotently. */
public interface LocalServer {
    /** Starts it unless it runs, and returns once it answers. */
    void start() throws Exception;

    /** Stops it (its data stays). */
    void stop() throws Exception;

    /** Its main process while it runs (for a benchmark that assigns cores). */
    java.util.Optional<ProcessHandle> process() throws Exception;
}
