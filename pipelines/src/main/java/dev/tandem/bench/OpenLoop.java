package dev.tandem.bench;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongFunction;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Offers requests at a fixed rate whatever the answers do (open loop), and measures each from the
 * instant it was due, not from when it was sent: a slow answer delays nothing else, so queueing
 * shows in the latency instead of silently lowering the rate (no coordinated omission).
 */
final class OpenLoop {
    /** Latency percentiles in microseconds, and what did not succeed. */
    record Latency(double rate, long requests, long failed, String firstFailure, long p50Micros, long p99Micros, long p999Micros,
            long maxMicros) {
        String render() {
            return String.format("%,.0f/s: p50 %.2f ms, p99 %.2f ms, p999 %.2f ms (max %.1f ms; %,d requests, %,d failed%s)", rate,
                    p50Micros / 1e3, p99Micros / 1e3, p999Micros / 1e3, maxMicros / 1e3, requests, failed,
                    firstFailure == null ? "" : ", first: " + firstFailure);
        }
    }

    private OpenLoop() {}

    /**
     * Offers {@code rate} requests per second for {@code seconds}; request {@code i} is started by
     * {@code send.apply(i)} and is a success when its future completes normally with true.
     */
    static Latency run(double rate, double seconds, LongFunction<CompletableFuture<Boolean>> send) throws InterruptedException {
        Recorder recorder = new Recorder(TimeUnit.SECONDS.toMicros(60), 3);
        AtomicLong failed = new AtomicLong();
        AtomicReference<String> firstFailure = new AtomicReference<>();
        long total = (long) (rate * seconds);
        long interval = (long) (1e9 / rate);
        long start = System.nanoTime();
        CompletableFuture<?>[] inFlight = new CompletableFuture<?>[(int) total];
        for (long i = 0; i < total; i++) {
            long due = start + i * interval;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            inFlight[(int) i] = send.apply(i).whenComplete((ok, error) -> {
                recorder.recordValue(Math.max(0, (System.nanoTime() - due) / 1_000));
                if (error != null || !Boolean.TRUE.equals(ok)) {
                    failed.incrementAndGet();
                    firstFailure.compareAndSet(null, error == null ? "refused" : String.valueOf(error.getCause() != null ? error.getCause().getMessage() : error));
                }
            });
        }
        try {
            CompletableFuture.allOf(inFlight).get(2, TimeUnit.MINUTES);
        } catch (Exception slowOrFailed) {
            // counted above, request by request
        }
        Histogram h = recorder.getIntervalHistogram();
        return new Latency(rate, total, failed.get(), firstFailure.get(), h.getValueAtPercentile(50), h.getValueAtPercentile(99),
                h.getValueAtPercentile(99.9), h.getMaxValue());
    }
}
