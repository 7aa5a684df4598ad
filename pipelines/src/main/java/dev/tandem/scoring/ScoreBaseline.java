package dev.tandem.scoring;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tandem.quality.DriftMath;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;

/**
 * A model version's score distribution on its training set, stored in the registry when the
 * version is registered: the deciles of a sample's scores as bucket edges, and how many scores
 * fell in each bucket. Live scores bucketed by the same edges give the PSI the decider watches.
 */
public record ScoreBaseline(long rows, double[] edges, long[] counts) {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final int BUCKETS = 10;

    /** The baseline of these scores (at least one). */
    public static ScoreBaseline of(double[] scores) {
        double[] sorted = scores.clone();
        Arrays.sort(sorted);
        double[] edges = new double[BUCKETS - 1];
        for (int i = 1; i < BUCKETS; i++) {
            edges[i - 1] = sorted[(int) ((long) sorted.length * i / BUCKETS)];
        }
        ScoreBaseline shape = new ScoreBaseline(scores.length, edges, new long[BUCKETS]);
        return new ScoreBaseline(scores.length, edges, shape.histogram(scores));
    }

    /** Scores per bucket: below the first edge, between edges (an edge counts above it), from the last edge on. */
    public long[] histogram(double[] scores) {
        long[] histogram = new long[BUCKETS];
        for (double score : scores) {
            int bucket = Arrays.binarySearch(edges, score);
            bucket = bucket >= 0 ? lastEqual(bucket, score) + 1 : -bucket - 1;
            histogram[bucket]++;
        }
        return histogram;
    }

    private int lastEqual(int at, double score) {
        while (at + 1 < edges.length && edges[at + 1] == score) {
            at++;
        }
        return at;
    }

    /** The population stability index of {@code live} scores against this baseline. */
    public double psi(double[] live) {
        return DriftMath.psi(counts, histogram(live));
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The stored baseline; null for none. */
    public static ScoreBaseline fromJson(String json) {
        if (json == null) {
            return null;
        }
        try {
            return JSON.readValue(json, ScoreBaseline.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
