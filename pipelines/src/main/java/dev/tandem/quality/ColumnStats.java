package dev.tandem.quality;

/**
 * One column's statistics in one window: present and missing values, rule violations, and for
 * numbers min / max / mean / variance (Welford, so long windows stay accurate) and a fixed-bucket
 * histogram. A Flink POJO.
 */
public class ColumnStats {
    public long count;
    public long nulls;
    /** Values outside the column's allowed set (text) or its [min, max] range (numbers). */
    public long violations;
    public double min = Double.NaN;
    public double max = Double.NaN;
    public double mean;
    public double m2;
    public long[] histogram;

    public ColumnStats() {}

    public static ColumnStats empty(QualityPlan.Column column) {
        ColumnStats s = new ColumnStats();
        s.histogram = new long[column.numeric() ? column.buckets() : 0];
        return s;
    }

    public void addNumber(QualityPlan.Column column, double value) {
        if (Double.isNaN(value)) {
            nulls++;
            return;
        }
        count++;
        double delta = value - mean;
        mean += delta / count;
        m2 += delta * (value - mean);
        min = count == 1 ? value : Math.min(min, value);
        max = count == 1 ? value : Math.max(max, value);
        histogram[Histograms.bucketOf(column.edges(), value)]++;
        QualityPlan.Rules rules = column.rules();
        if (value < rules.min() || value > rules.max()) { // NaN bounds compare false: no rule
            violations++;
        }
    }

    public void addText(QualityPlan.Column column, String value) {
        if (value == null) {
            nulls++;
            return;
        }
        count++;
        if (!column.allowed().isEmpty() && !column.allowed().contains(value)) {
            violations++;
        }
    }

    /** Adds another part's statistics (Chan et al.'s parallel variance for the moments). */
    public void merge(ColumnStats other) {
        nulls += other.nulls;
        violations += other.violations;
        for (int i = 0; i < histogram.length; i++) {
            histogram[i] += other.histogram[i];
        }
        if (other.count == 0) {
            return;
        }
        if (count == 0) {
            min = other.min;
            max = other.max;
        } else {
            min = Math.min(min, other.min);
            max = Math.max(max, other.max);
        }
        long n = count + other.count;
        double delta = other.mean - mean;
        mean += delta * other.count / n;
        m2 += other.m2 + delta * delta * ((double) count * other.count / n);
        count = n;
    }

    public double nullRate() {
        long all = count + nulls;
        return all == 0 ? 0 : (double) nulls / all;
    }

    /** Sample standard deviation; NaN below two values. */
    public double stddev() {
        return count < 2 ? Double.NaN : Math.sqrt(m2 / (count - 1));
    }
}
