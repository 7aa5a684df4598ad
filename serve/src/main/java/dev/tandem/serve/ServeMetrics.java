package dev.tandem.serve;

import dev.tandem.model.ModelScorers;
import dev.tandem.spec.CompiledSpec;
import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;

/** The server's Prometheus metrics: latency per endpoint, errors by kind, what the state holds and what the feed applied. */
final class ServeMetrics implements FeedListener {
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Histogram latency = Histogram.builder().name("tandem_serve_request_seconds")
            .help("Time to answer a request, by endpoint").labelNames("endpoint").classicOnly()
            .classicUpperBounds(0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1).register(registry);
    private final Counter errors = Counter.builder().name("tandem_serve_errors_total")
            .help("Requests answered with an error, by kind (status and reason)").labelNames("kind").register(registry);

    private final Histogram freshness = Histogram.builder().name("tandem_serve_feed_freshness_seconds")
            .help("From the broker appending an event (LogAppendTime) to the state having applied it").classicOnly()
            .classicUpperBounds(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 60).register(registry);
    private final Counter erasures = Counter.builder().name("tandem_serve_erasures_total")
            .help("Erasures applied to the state").register(registry);
    private final Counter scores = Counter.builder().name("tandem_serve_model_scores_total")
            .help("Scores given (primary: answered; shadow: logged only), by model and version").labelNames("model", "version", "role")
            .register(registry);

    private final List<CompiledSpec.Model> models;

    ServeMetrics(ServingState state) {
        this.models = state.spec().models;
        GaugeWithCallback.builder().name("tandem_serve_entities").help("Entities the state holds, per group").labelNames("group")
                .callback(cb -> state.entities().forEach((group, n) -> cb.call(n, group))).register(registry);
        GaugeWithCallback.builder().name("tandem_serve_feed_events").help("Events the feed has seen, by outcome")
                .labelNames("outcome").callback(cb -> state.counts().forEach((outcome, n) -> cb.call(n, outcome))).register(registry);
    }

    /** The feed's lag and its contact with the broker. */
    void watch(FeedStatus feed) {
        GaugeWithCallback.builder().name("tandem_serve_feed_lag_records")
                .help("Records on the event topic the state has not applied yet (consumer lag)")
                .callback(cb -> cb.call(feed.lagRecords())).register(registry);
        GaugeWithCallback.builder().name("tandem_serve_upstream_available")
                .help("1 while the feed is in contact with the broker, 0 while answers are refused (503 upstream_unavailable)")
                .callback(cb -> cb.call(feed.unavailable() == null ? 1 : 0)).register(registry);
    }

    /** The model registry as the server follows it. */
    void watch(ModelWatch models) {
        GaugeWithCallback.builder().name("tandem_serve_model_registry_errors")
                .help("Reads of the model registry that failed (the server answers with the decisions read before)")
                .callback(cb -> cb.call(models.errors())).register(registry);
        GaugeWithCallback.builder().name("tandem_serve_model_registry_decision")
                .help("The newest registry decision the server follows (its sequence number)")
                .callback(cb -> cb.call(models.lastDecision())).register(registry);
    }

    /** The scores of an answer, per model, version and role. */
    void scored(FeatureService.Served served) {
        ModelScorers.Score[] primary = served.scores();
        for (int m = 0; primary != null && m < primary.length; m++) {
            String model = models.get(m).name();
            if (primary[m].version() >= 0) {
                scores.labelValues(model, String.valueOf(primary[m].version()), "primary").inc();
            }
            for (ModelScorers.Score shadow : served.shadows()[m]) {
                scores.labelValues(model, String.valueOf(shadow.version()), "shadow").inc();
            }
        }
    }

    void observe(String endpoint, long startedNanos) {
        latency.labelValues(endpoint).observe((System.nanoTime() - startedNanos) / 1e9);
    }

    @Override
    public void applied(long millisSinceAppend) {
        freshness.observe(Math.max(0, millisSinceAppend) / 1e3);
    }

    @Override
    public void erased(String group, String key) {
        erasures.inc();
    }

    void error(int status, String reason) {
        errors.labelValues(status + "_" + reason).inc();
    }

    byte[] scrape() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new PrometheusTextFormatWriter(false).write(out, registry.scrape(), EscapingScheme.DEFAULT);
        return out.toByteArray();
    }
}
