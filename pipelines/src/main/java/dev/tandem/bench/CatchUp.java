package dev.tandem.bench;

import dev.tandem.job.StreamingJob;
import dev.tandem.job.StreamingJobOptions;
import dev.tandem.spec.CompiledSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.core.execution.JobClient;

/**
 * A streaming job catching up with a topic that already holds every event, so it never waits for
 * input: events / s over the whole run (start-up and JIT included), and at steady state, after the
 * first {@link #WARM_UP}, from the events its last feature stage has read (the REST API's
 * read-records, sampled every half second). A short run is mostly start-up; the steady rate is the
 * job's capacity.
 */
public record CatchUp(String backend, long events, double seconds, double steadyEventsPerSecond) {
    static final Duration WARM_UP = Duration.ofSeconds(30);

    public double eventsPerSecond() {
        return events / seconds;
    }

    public String render() {
        String steady = Double.isNaN(steadyEventsPerSecond) ? "steady state not reached (the run ended within " + WARM_UP.toSeconds() + " s)"
                : String.format("%,.0f events/s after the first %d s", steadyEventsPerSecond, WARM_UP.toSeconds());
        return String.format("%s: %,.0f events/s over the whole run (%.1f s), %s", backend, eventsPerSecond(), seconds, steady);
    }

    /** Runs the bounded job of {@code options} over the {@code events} already in its topic. */
    static CatchUp run(StreamingJobOptions options, CompiledSpec spec, long events) throws Exception {
        FlinkRest.Embedded embedded = FlinkRest.Embedded.onFreePort();
        String lastStage = "features-" + spec.entities.get(spec.entities.size() - 1).name();
        List<long[]> samples = new ArrayList<>(); // {nanoTime, events read by the last stage}
        long t0 = System.nanoTime();
        JobClient job = StreamingJob.start(options, spec, null, embedded.configuration());
        FlinkRest rest = embedded.job(job.getJobID().toHexString());
        Thread sampler = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                long read = rest.recordsReadBy(lastStage);
                if (read >= 0) {
                    samples.add(new long[] {System.nanoTime(), read});
                }
                try {
                    Thread.sleep(500);
                } catch (InterruptedException stop) {
                    return;
                }
            }
        }, "catch-up-sampler");
        sampler.setDaemon(true);
        sampler.start();
        try {
            job.getJobExecutionResult().get();
        } finally {
            sampler.interrupt();
            sampler.join();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        return new CatchUp(options.stateBackend(), events, seconds, steadyRate(samples, t0 + WARM_UP.toNanos()));
    }

    /** Events / s between the first sample after {@code from} and the last sample that still moved; NaN when too few. */
    static double steadyRate(List<long[]> samples, long from) {
        long[] first = samples.stream().filter(s -> s[0] >= from).findFirst().orElse(null);
        long[] last = null;
        for (long[] s : samples) {
            if (last == null || s[1] > last[1]) {
                last = s;
            }
        }
        if (first == null || last == null || last[0] - first[0] < Duration.ofSeconds(5).toNanos()) {
            return Double.NaN;
        }
        return (last[1] - first[1]) / ((last[0] - first[0]) / 1e9);
    }
}
