package dev.tandem.serve;

import dev.tandem.model.ModelDecision;
import dev.tandem.model.ModelRegistry;
import dev.tandem.model.ModelScorers;
import dev.tandem.model.TreeEnsemble;
import dev.tandem.spec.CompiledSpec;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The spec's models as the registry decides, followed without a restart: read once before the
 * server answers, then polled (new decisions only; a version's file is compiled once). A registry
 * that cannot be read is retried; the server scores on with what it read last, and counts it.
 */
public final class ModelWatch implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ModelWatch.class);

    /** Where the registry is: the online store's database. */
    public record Registry(String jdbcUrl, String user, String password) {}

    private final CompiledSpec spec;
    private final Registry registry;
    private final List<ModelDecision> decisions = new ArrayList<>();
    private final Map<String, TreeEnsemble> compiled = new HashMap<>();
    private final AtomicLong errors = new AtomicLong();
    private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "model-registry-watch");
        t.setDaemon(true);
        return t;
    });
    private volatile ModelScorers current;
    private volatile long lastSeq;

    private ModelWatch(CompiledSpec spec, Registry registry) {
        this.spec = spec;
        this.registry = registry;
    }

    /** Reads the registry (failing when it cannot: the server must not answer without its models), then polls it. */
    public static ModelWatch start(CompiledSpec spec, Registry registry, Duration every) throws Exception {
        ModelWatch watch = new ModelWatch(spec, registry);
        watch.poll();
        watch.poller.scheduleWithFixedDelay(watch::pollQuietly, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
        return watch;
    }

    /** The models as last read. */
    public ModelScorers current() {
        return current;
    }

    /** Polls that failed. */
    public long errors() {
        return errors.get();
    }

    /** The newest decision followed. */
    public long lastDecision() {
        return lastSeq;
    }

    private void pollQuietly() {
        try {
            poll();
        } catch (Exception e) {
            errors.incrementAndGet();
            LOG.warn("model registry not read (answering with the decisions read before): {}", e.toString());
        }
    }

    private void poll() throws Exception {
        try (Connection c = DriverManager.getConnection(registry.jdbcUrl(), registry.user(), registry.password())) {
            List<ModelDecision> fresh = ModelRegistry.decisions(c, lastSeq);
            if (!fresh.isEmpty() || current == null) {
                List<ModelDecision> all = new ArrayList<>(decisions);
                all.addAll(fresh);
                ModelScorers next = ModelScorers.of(spec, all, Map.of(), (model, version) -> {
                    String key = model.name() + "@" + version;
                    TreeEnsemble ensemble = compiled.get(key);
                    if (ensemble == null) {
                        ensemble = ModelScorers.compiled(c, model, version);
                        compiled.put(key, ensemble);
                    }
                    return ensemble;
                });
                decisions.addAll(fresh);
                current = next;
                if (!fresh.isEmpty()) {
                    lastSeq = fresh.get(fresh.size() - 1).seq();
                    LOG.info("model registry: following {} decision(s), the newest {}", decisions.size(), lastSeq);
                }
            }
        }
    }

    @Override
    public void close() {
        poller.shutdownNow();
    }
}
