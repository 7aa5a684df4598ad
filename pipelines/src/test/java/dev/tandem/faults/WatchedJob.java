package dev.tandem.faults;

import dev.tandem.bench.FlinkRest;
import dev.tandem.job.StreamingJob;
import dev.tandem.job.StreamingJobOptions;
import dev.tandem.spec.CompiledSpec;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;

/**
 * A streaming job on its own embedded cluster, watched through the cluster's REST API every 200 ms
 * while it runs: its status, how often it restarted and how many checkpoints completed and failed.
 * The API goes away with the cluster when the job ends, so the watch keeps what it saw last.
 */
final class WatchedJob implements AutoCloseable {
    private final JobClient client;
    private final FlinkRest rest;
    private final AtomicLong restarts = new AtomicLong();
    private final AtomicLong completedCheckpoints = new AtomicLong();
    private final AtomicLong failedCheckpoints = new AtomicLong();
    private final AtomicLong restoredCheckpoint = new AtomicLong(-1);
    private final AtomicReference<String> restStatus = new AtomicReference<>("");
    private final Set<String> failures = ConcurrentHashMap.newKeySet();
    private final Thread watcher;

    private WatchedJob(JobClient client, FlinkRest rest) {
        this.client = client;
        this.rest = rest;
        this.watcher = new Thread(this::watch, "watch-" + client.getJobID());
        watcher.setDaemon(true);
        watcher.start();
    }

    static WatchedJob start(StreamingJobOptions options, CompiledSpec spec) throws Exception {
        FlinkRest.Embedded embedded = FlinkRest.Embedded.onFreePort();
        JobClient client = StreamingJob.start(options, spec, null, embedded.configuration());
        return new WatchedJob(client, embedded.job(client.getJobID().toHexString()));
    }

    private void watch() {
        while (!Thread.currentThread().isInterrupted()) {
            restarts.accumulateAndGet(rest.restarts(), Math::max);
            long[] counts = rest.checkpointCounts();
            completedCheckpoints.accumulateAndGet(counts[0], Math::max);
            failedCheckpoints.accumulateAndGet(counts[1], Math::max);
            restoredCheckpoint.accumulateAndGet(rest.restoredCheckpoint(), Math::max);
            failures.addAll(rest.failures());
            String status = rest.status();
            if (status != null) {
                restStatus.set(status);
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException stop) {
                return;
            }
        }
    }

    JobClient client() {
        return client;
    }

    /** The job's status now, from the cluster itself; an embedded cluster goes away with its job. */
    JobStatus status() throws Exception {
        try {
            return client.getJobStatus().get(10, TimeUnit.SECONDS);
        } catch (ExecutionException | IllegalStateException gone) {
            throw new AssertionError("the job has ended: its embedded cluster is gone (last status its REST API gave: "
                    + restStatus.get() + ")", gone);
        }
    }

    /** Restarts so far (the job's numRestarts metric, the most the watch saw). */
    long restarts() {
        return restarts.get();
    }

    long completedCheckpoints() {
        return completedCheckpoints.get();
    }

    long failedCheckpoints() {
        return failedCheckpoints.get();
    }

    /** The newest checkpoint the job restored from after a restart; -1 while it has restored none. */
    long restoredCheckpoint() {
        return restoredCheckpoint.get();
    }

    /** The failures that made the job restart, as stack traces (with their causes). */
    Set<String> failures() {
        return Set.copyOf(failures);
    }

    /** Stops the job with a savepoint once it has drained every pending vector (the end of the input). */
    void drain(Path savepoints) throws Exception {
        client.stopWithSavepoint(true, savepoints.toUri().toString(), SavepointFormatType.DEFAULT).get(5, TimeUnit.MINUTES);
    }

    @Override
    public void close() {
        watcher.interrupt();
        try {
            if (!client.getJobStatus().get(10, TimeUnit.SECONDS).isTerminalState()) {
                client.cancel().get(1, TimeUnit.MINUTES);
            }
        } catch (Exception alreadyGone) {
            // the embedded cluster shut down with the job
        }
    }

    @Override
    public String toString() {
        return String.format("job %s (REST: %s, %d restarts, %d checkpoints completed, %d failed, restored from %d)", client.getJobID(),
                restStatus.get(), restarts(), completedCheckpoints(), failedCheckpoints(), restoredCheckpoint());
    }
}
