package dev.tandem.asof;

import dev.tandem.expr.FeatureExpression;
import dev.tandem.ingest.CleanEvent;
import dev.tandem.spec.CompiledSpec;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Arrays;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * DESIGN.md's "features as of T" written out from the definition over every event, with no engine
 * code: the slow, obvious answer the engine and everything built on it are checked against.
 */
public final class AsOfOracle {
    /** Event order: time, ties by event id. */
    public static final Comparator<CleanEvent> BY_TIME_AND_ID =
            Comparator.comparingLong((CleanEvent e) -> e.eventTime).thenComparing(e -> e.eventId);

    private AsOfOracle() {}

    /** DESIGN.md's "features as of T", from all events, written out from the definition. */
    public static double[] featuresAsOf(CompiledSpec.EntityGroup group, long at, CleanEvent probe, List<CleanEvent> all) {
        List<CleanEvent> before = all.stream().filter(e -> e.eventTime < at).toList();
        CleanEvent last = before.stream().filter(e -> e.eventTime >= at - group.stateTtlMillis())
                .max(BY_TIME_AND_ID).orElse(null);
        long runStart = runStart(before, at, group.stateTtlMillis());
        double[] out = new double[group.features().size()];
        for (int f = 0; f < out.length; f++) {
            CompiledSpec.Feature feature = group.features().get(f);
            List<CleanEvent> matching = before.stream()
                    .filter(e -> feature.where() == null || matches(feature.where(), e))
                    .toList();
            List<CleanEvent> window = feature.last() > 0 ? newest(matching.stream()
                    .filter(e -> e.eventTime >= at - group.stateTtlMillis()).toList(), feature.last())
                    : feature.lifetime() ? matching.stream().filter(e -> e.eventTime >= runStart).toList()
                    : matching.stream().filter(e -> e.eventTime >= at - feature.windowMillis()).toList();
            double[] values = feature.slot() < 0 || feature.textInput() ? new double[0]
                    : window.stream().mapToDouble(e -> e.numbers[feature.slot()]).filter(v -> !Double.isNaN(v)).toArray();
            double mean = values.length == 0 ? Double.NaN : Arrays.stream(values).sum() / values.length;
            double std = values.length == 0 ? Double.NaN
                    : Math.sqrt(Arrays.stream(values).map(v -> (v - mean) * (v - mean)).sum() / values.length);
            double own = probe == null || feature.slot() < 0 || feature.textInput() ? Double.NaN : probe.numbers[feature.slot()];
            out[f] = switch (feature.agg()) {
                case COUNT -> feature.slot() < 0 ? window.size()
                        : window.stream().filter(e -> feature.textInput() ? e.text[feature.slot()] != null
                                : !Double.isNaN(e.numbers[feature.slot()])).count();
                case SUM -> Arrays.stream(values).sum();
                case AVG -> mean;
                case MIN -> Arrays.stream(values).min().orElse(Double.NaN);
                case MAX -> Arrays.stream(values).max().orElse(Double.NaN);
                case STDDEV -> std;
                case PERCENTILE -> values.length == 0 ? Double.NaN : nearestRank(values, feature.q());
                case FIRST_VALUE -> window.stream().min(BY_TIME_AND_ID).map(e -> e.numbers[feature.slot()]).orElse(Double.NaN);
                case DISTINCT_COUNT -> window.stream().map(e -> feature.textInput() ? e.text[feature.slot()]
                        : Double.isNaN(e.numbers[feature.slot()]) ? null : (Object) e.numbers[feature.slot()])
                        .filter(v -> v != null).distinct().count();
                case ZSCORE -> Double.isNaN(own) || !(std > 0) ? Double.NaN : (own - mean) / std;
                case RATIO_TO_AVG -> Double.isNaN(own) || Double.isNaN(mean) || mean == 0 ? Double.NaN : own / mean;
                case LAST_VALUE -> last == null ? Double.NaN : last.numbers[feature.slot()];
                case TIME_SINCE_LAST -> last == null ? Double.NaN : (at - last.eventTime) / 1000.0;
                case DISTANCE_FROM_LAST -> last == null || probe == null ? Double.NaN
                        : greatCircleKm(last.numbers[feature.latSlot()], last.numbers[feature.lonSlot()],
                                probe.numbers[feature.latSlot()], probe.numbers[feature.lonSlot()]);
                case VALUE -> own;
                case ON_DEMAND -> throw new IllegalArgumentException("on-demand features belong to no group");
            };
        }
        return out;
    }

    /**
     * Where the entity's run of events before {@code at} starts: walking back from the newest, to
     * the first gap longer than the TTL; after every event when the newest is more than the TTL
     * before {@code at} (the state has expired).
     */
    private static long runStart(List<CleanEvent> before, long at, long ttl) {
        long[] times = before.stream().mapToLong(e -> e.eventTime).sorted().toArray();
        if (times.length == 0 || at - times[times.length - 1] > ttl) {
            return Long.MAX_VALUE;
        }
        int first = times.length - 1;
        while (first > 0 && times[first] - times[first - 1] <= ttl) {
            first--;
        }
        return times[first];
    }

    /** Whether the filter is true for the event; evaluated once per filter and event (reads ask again and again). */
    private static boolean matches(FeatureExpression where, CleanEvent e) {
        synchronized (MATCHES) {
            return MATCHES.computeIfAbsent(where, w -> new IdentityHashMap<>())
                    .computeIfAbsent(e, x -> where.matches(FeatureExpression.Values.of(x.numbers, x.text)));
        }
    }

    private static final Map<FeatureExpression, Map<CleanEvent, Boolean>> MATCHES = new IdentityHashMap<>();

    /** The {@code n} newest events in (time, id) order. */
    private static List<CleanEvent> newest(List<CleanEvent> events, int n) {
        List<CleanEvent> sorted = events.stream().sorted(BY_TIME_AND_ID).toList();
        return sorted.subList(Math.max(0, sorted.size() - n), sorted.size());
    }

    /** The value at rank ceil(q * n) of the n values in ascending order, q * n exact. */
    private static double nearestRank(double[] values, BigDecimal q) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int rank = q.multiply(BigDecimal.valueOf(sorted.length)).setScale(0, RoundingMode.CEILING).intValueExact();
        return sorted[rank - 1];
    }

    /** The haversine formula on a sphere of the mean Earth radius, 6371.0088 km. */
    public static double greatCircleKm(double lat1, double lon1, double lat2, double lon2) {
        double dLat = Math.toRadians(lat2 - lat1);
        double dLon = Math.toRadians(lon2 - lon1);
        double h = Math.pow(Math.sin(dLat / 2), 2) + Math.cos(Math.toRadians(lat1)) * Math.cos(Math.toRadians(lat2)) * Math.pow(Math.sin(dLon / 2), 2);
        return 2 * 6371.0088 * Math.atan2(Math.sqrt(h), Math.sqrt(1 - h));
    }
}
