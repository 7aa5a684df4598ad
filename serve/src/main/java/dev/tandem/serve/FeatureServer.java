package dev.tandem.serve;

import dev.tandem.spec.CompiledSpec;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;

/**
 * The feature server put together: serving state, its Kafka feed, the service, the served-feature
 * log and the HTTP edge. What the server holds in memory per entity is what the as-of engine keeps
 * (the events of the longest window plus {@code max_out_of_orderness}, and each window's
 * summaries); a restart rebuilds it by reading the event topic from its beginning.
 */
public final class FeatureServer implements AutoCloseable {
    /** Where it reads from and writes to, and where it listens; {@code registry}: the model registry (null when the spec has no models). */
    public record Config(CompiledSpec spec, String featureSetVersion, Properties kafka, String eventsTopic, String erasuresTopic,
            String servedTopic, String piiSecret, ServeTokens tokens, String host, int port, HttpApi.Limits limits, long lookbackMillis,
            StateBootstrap bootstrap, ModelWatch.Registry registry) {}

    /** How often the server reads the model registry's new decisions. */
    static final java.time.Duration REGISTRY_POLL = java.time.Duration.ofSeconds(1);

    private final ServingState state;
    private final EventFeed feed;
    private final ServedLog log;
    private final HttpApi http;
    private final ModelWatch models;

    private FeatureServer(Config config) throws Exception {
        this.models = watchModels(config);
        this.state = new ServingState(config.spec(), config.lookbackMillis());
        this.log = config.servedTopic() == null ? null : new ServedLog(config.kafka(), config.servedTopic());
        ServeMetrics metrics = new ServeMetrics(state);
        FeedListener listener = new FeedListener() {
            @Override
            public void applied(long millisSinceAppend) {
                metrics.applied(millisSinceAppend);
            }

            @Override
            public void erased(String group, String key) {
                metrics.erased(group, key);
                if (log != null) {
                    log.erased(group, key);
                }
            }
        };
        this.feed = new EventFeed(state, config.kafka(), config.eventsTopic(), config.erasuresTopic(), config.piiSecret(), config.bootstrap(),
                listener);
        metrics.watch(feed);
        if (models != null) {
            metrics.watch(models);
        }
        FeatureService service = new FeatureService(state, feed, config.featureSetVersion(), config.piiSecret(), System::currentTimeMillis,
                models == null ? null : models::current);
        this.http = new HttpApi(service, state, metrics, log, config.tokens(), config.host(), config.port(), config.limits());
    }

    /** The spec's models followed in the registry; null when it has none. */
    private static ModelWatch watchModels(Config config) throws Exception {
        if (config.spec().models.isEmpty()) {
            return null;
        }
        if (config.registry() == null) {
            throw new IllegalArgumentException("spec " + config.spec().name + " scores models " + config.spec().models.stream()
                    .map(CompiledSpec.Model::name).toList() + ": give the model registry's database (TANDEM_JDBC_URL, TANDEM_JDBC_USER, "
                    + "TANDEM_PG_PASSWORD or TANDEM_PG_PASSWORD_FILE)");
        }
        return ModelWatch.start(config.spec(), config.registry(), REGISTRY_POLL);
    }

    /** Starts the feed and the HTTP edge; requests are answered at once, {@code /ready} says when the state has caught up. */
    public static FeatureServer start(Config config) throws Exception {
        if (config.tokens().isEmpty()) {
            throw new IllegalArgumentException("no bearer tokens: set " + ServeTokens.FILE_ENV + " or " + ServeTokens.LIST_ENV);
        }
        FeatureServer server = new FeatureServer(config);
        server.feed.start();
        server.http.start();
        return server;
    }

    /**
     * Blocks until the JVM shuts down. On SIGTERM (a pod stopping) a hook closes the server: in-flight
     * answers finish and the served-feature log is flushed.
     */
    public void serveUntilShutdown() throws InterruptedException {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                close();
            } catch (Exception e) {
                System.err.println("tandem serve: closing: " + e);
            }
        }, "tandem-serve-shutdown"));
        new CountDownLatch(1).await();
    }

    public int port() {
        return http.port();
    }

    public boolean isReady() {
        return feed.isReady();
    }

    /** Per partition of the event topic, the next offset to apply. */
    public Map<Integer, Long> appliedOffsets() {
        return feed.appliedOffsets();
    }

    public ServingState state() {
        return state;
    }

    @Override
    public void close() throws Exception {
        http.close();
        feed.close();
        if (models != null) {
            models.close();
        }
        if (log != null) {
            log.close();
        }
    }
}
