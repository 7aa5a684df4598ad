package dev.tandem.quality;

/** One column's drift in one window against the training baseline. A Flink POJO. */
public class DriftScore {
    public long windowStart;
    public long windowEnd;
    public String column;
    public long events;
    public double psi;
    public double ks;
    public boolean alert;

    public DriftScore() {}
}
