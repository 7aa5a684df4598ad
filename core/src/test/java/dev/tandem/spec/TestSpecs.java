package dev.tandem.spec;

/** Small specs for tests: nothing to do with cards, to keep the engine honest about being generic. */
public final class TestSpecs {
    private TestSpecs() {}

    /** Sensor readings keyed by device: one group with every aggregation kind and where filters, one more group, on-demand features over both. */
    public static final String SENSORS = """
            name: sensors
            source:
              event_id: id
              event_time: at
              max_out_of_orderness: 1m
              max_future: 1d
              fields:
                id:     { type: string, required: true }
                at:     { type: timestamp, required: true }
                device: { type: string, required: true }
                site:   { type: string }
                temp:   { type: double }
                lat:    { type: double }
                lon:    { type: double }
            entities:
              - name: device
                key: device
                state_ttl: 1h
                features:
                  - { name: n_10m,      agg: count,  window: 10m }
                  - { name: n_temp_10m, agg: count,  field: temp, window: 10m }
                  - { name: sum_10m,    agg: sum,    field: temp, window: 10m }
                  - { name: avg_10m,    agg: avg,    field: temp, window: 10m }
                  - { name: min_10m,    agg: min,    field: temp, window: 10m }
                  - { name: max_10m,    agg: max,    field: temp, window: 10m }
                  - { name: std_10m,    agg: stddev, field: temp, window: 10m }
                  - { name: sites_10m,  agg: distinct_count, field: site, window: 10m }
                  - { name: z_10m,      agg: zscore, field: temp, window: 10m }
                  - { name: ratio_10m,  agg: ratio_to_avg, field: temp, window: 10m }
                  - { name: last_temp,  agg: last_value, field: temp }
                  - { name: since_last, agg: time_since_last }
                  - { name: km_from_last, agg: distance_from_last, fields: [lat, lon] }
                  - { name: temp_now,   agg: value, field: temp }
                  - { name: n_s1_10m,   agg: count, window: 10m, where: "site == 's1'" }
                  - { name: warm_avg_10m, agg: avg, field: temp, window: 10m, where: "temp > 22 || site in ['s2', 's3']" }
                  - { name: p90_10m,    agg: percentile, field: temp, window: 10m, q: 0.9 }
                  - { name: warm_median_10m, agg: percentile, field: temp, window: 10m, q: 0.5, where: "temp > 18.5" }
                  - { name: first_temp_10m, agg: first_value, field: temp, window: 10m }
                  - { name: first_not_s2_10m, agg: first_value, field: temp, window: 10m, where: "site != 's2'" }
                  - { name: avg_last5,  agg: avg, field: temp, last: 5 }
                  - { name: std_last7,  agg: stddev, field: temp, last: 7 }
                  - { name: min_last3,  agg: min, field: temp, last: 3 }
                  - { name: max_last3_s1, agg: max, field: temp, last: 3, where: "site == 's1'" }
                  - { name: n_last100_warm, agg: count, last: 100, where: "temp > 22" }
                  - { name: p50_last20, agg: percentile, field: temp, last: 20, q: 0.5 }
                  - { name: first_last4, agg: first_value, field: temp, last: 4 }
                  - { name: sites_last10, agg: distinct_count, field: site, last: 10 }
                  - { name: n_life,     agg: count, window: lifetime }
                  - { name: n_temp_life, agg: count, field: temp, window: lifetime }
                  - { name: sum_life,   agg: sum, field: temp, window: lifetime }
                  - { name: avg_life_s1, agg: avg, field: temp, window: lifetime, where: "site == 's1'" }
                  - { name: min_life,   agg: min, field: temp, window: lifetime }
                  - { name: max_life,   agg: max, field: temp, window: lifetime }
                  - { name: std_life,   agg: stddev, field: temp, window: lifetime }
                  - { name: first_life, agg: first_value, field: temp, window: lifetime }
                  - { name: first_warm_life, agg: first_value, field: temp, window: lifetime, where: "temp > 22" }
                  - { name: z_life,     agg: zscore, field: temp, window: lifetime }
              - name: device_hourly
                key: device
                state_ttl: 2h
                features:
                  - { name: n_1h, agg: count, window: 1h }
                  - { name: n_life_2h, agg: count, window: lifetime }
                  - { name: ratio_life_2h, agg: ratio_to_avg, field: temp, window: lifetime }
            on_demand:
              - { name: temp_vs_avg_10m, expr: "temp / avg_10m" }
              - { name: s1_share_1h, expr: "n_s1_10m / n_1h" }
              - { name: km_if_s1, expr: "site == 's1' ? km_from_last : -1" }
            """;

    /**
     * Readings scored per row, and alarms, a feature source with its own ids, time, bound and
     * fields (its events are never rows): features over both in one group, a group over alarms
     * only, an on-demand feature mixing them.
     */
    public static final String SENSOR_ALARMS = """
            name: sensor-alarms
            source:
              files: "readings*.jsonl"
              event_id: id
              event_time: at
              max_out_of_orderness: 1m
              fields:
                id:     { type: string, required: true }
                at:     { type: timestamp, required: true }
                device: { type: string, required: true }
                site:   { type: string }
                temp:   { type: double }
            feature_sources:
              - name: alarms
                files: "alarms*.jsonl"
                event_id: alarm_id
                event_time: raised_at
                max_out_of_orderness: 2m
                fields:
                  alarm_id:  { type: string, required: true }
                  raised_at: { type: timestamp, required: true }
                  device:    { type: string, required: true }
                  severity:  { type: double }
                  kind:      { type: string }
            entities:
              - name: device
                key: device
                state_ttl: 1h
                features:
                  - { name: n_10m,        agg: count, window: 10m }
                  - { name: alarms_10m,   agg: count, window: 10m, source: alarms }
                  - { name: avg_temp_10m, agg: avg, field: temp, window: 10m }
                  - { name: severe_30m,   agg: count, window: 30m, source: alarms, where: "severity >= 3" }
                  - { name: max_severity_30m, agg: max, field: severity, window: 30m, source: alarms }
                  - { name: p50_severity_30m, agg: percentile, field: severity, q: 0.5, window: 30m, source: alarms }
                  - { name: kinds_30m,    agg: distinct_count, field: kind, window: 30m, source: alarms }
                  - { name: first_severity_30m, agg: first_value, field: severity, window: 30m, source: alarms }
                  - { name: last_temp,    agg: last_value, field: temp }
                  - { name: last_severity, agg: last_value, field: severity, source: alarms }
                  - { name: since_reading, agg: time_since_last }
                  - { name: since_alarm,  agg: time_since_last, source: alarms }
                  - { name: avg_severity_last3, agg: avg, field: severity, last: 3, source: alarms }
                  - { name: n_life,       agg: count, window: lifetime }
                  - { name: alarms_life,  agg: count, window: lifetime, source: alarms }
                  - { name: max_severity_life, agg: max, field: severity, window: lifetime, source: alarms }
              - name: device_alarms
                key: device
                state_ttl: 2h
                features:
                  - { name: alarms_2h, agg: count, window: 2h, source: alarms }
                  - { name: severity_sum_life_2h, agg: sum, field: severity, window: lifetime, source: alarms }
            on_demand:
              - { name: severe_share_30m, expr: "severe_30m / alarms_2h" }
            """;

    public static CompiledSpec sensorAlarms() {
        return SpecCompiler.compile(SENSOR_ALARMS, "sensor-alarms.yaml");
    }

    public static CompiledSpec sensors() {
        return SpecCompiler.compile(SENSORS, "sensors.yaml");
    }
}
