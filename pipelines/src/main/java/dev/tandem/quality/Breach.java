package dev.tandem.quality;

/**
 * A broken expectation in one window: which rule, on which column ({@code _source} for the source
 * as a whole), what was observed and what the limit is. Goes to the alerts topic or file. A Flink POJO.
 */
public class Breach {
    public static final String SOURCE = "_source";

    public long windowStart;
    public long windowEnd;
    public String expectation;
    public String column;
    public double observed;
    public double limit;
    public String message;

    public Breach() {}

    public Breach(WindowQuality window, String expectation, String column, double observed, double limit, String message) {
        this.windowStart = window.windowStart;
        this.windowEnd = window.windowEnd;
        this.expectation = expectation;
        this.column = column;
        this.observed = observed;
        this.limit = limit;
        this.message = message;
    }

    @Override
    public String toString() {
        return expectation + " on " + column + " in window " + java.time.Instant.ofEpochMilli(windowStart) + ": " + message;
    }
}
