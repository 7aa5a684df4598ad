package dev.tandem.cli;

import dev.tandem.kafka.Topics;
import dev.tandem.serve.FeatureServer;
import dev.tandem.serve.ModelWatch;
import dev.tandem.serve.ServeTokens;
import dev.tandem.served.ServingHistory;
import dev.tandem.served.ServingSetup;
import dev.tandem.spec.CompiledSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Run the feature server: features as of now (or any recent instant) over HTTP/JSON, from state fed "
                + "straight from the event topic (fresh within a second, no watermark wait), computed by the as-of engine. "
                + "POST /v1/features (an event being scored), POST /v1/entities/{group} ({\"key\":..., \"at\":...}), "
                + "/health, /ready, /metrics. Bearer tokens from TANDEM_SERVE_TOKENS_FILE or TANDEM_SERVE_TOKENS.")
final class ServeCommand implements Callable<Integer> {
    @Option(names = "--port", defaultValue = "8080", description = "HTTP port (default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to listen on (default ${DEFAULT-VALUE}; 0.0.0.0 in a container).")
    String host;

    @Option(names = "--spec", description = "Feature spec (YAML). Default: the flagship card-fraud spec.")
    Path spec;

    @Option(names = "--bootstrap", defaultValue = "${env:TANDEM_KAFKA_BOOTSTRAP:-127.0.0.1:9092}",
            description = "Kafka bootstrap servers (default: TANDEM_KAFKA_BOOTSTRAP, else 127.0.0.1:9092).")
    String bootstrap;

    @Option(names = "--topic-prefix", defaultValue = "", description = "Prefix of the topics' names, as given to stream (default none).")
    String topicPrefix;

    @Option(names = "--served-log", defaultValue = ServingSetup.SERVED_LOG, description = "Topic every answer is logged to, "
            + "after the prefix (default ${DEFAULT-VALUE}).")
    String servedLog;

    @Option(names = "--lookback", paramLabel = "DURATION", description = "How far behind an entity's newest event a request "
            + "is still answered exactly (ISO-8601, e.g. PT1H): that much history is kept beyond each window. Default: the "
            + "spec's max_out_of_orderness; an older request is answered 409 too_old.")
    Duration lookback;

    @Option(names = "--history", paramLabel = "DIR", description = "Start the state from these event files (the spec's format; "
            + "file i in name order is partition i) before reading the topic from its beginning: for a topic whose retention is "
            + "shorter than the longest window. The topic's overlap with the files is dropped by event id.")
    Path history;

    @Mixin
    PiiOptions pii;

    /** The model registry's database, read when the spec scores models. */
    @Mixin
    OnlineStoreOptions store;

    @Override
    public Integer call() throws Exception {
        CompiledSpec compiled = FeaturesRun.compile(spec);
        ServeTokens tokens = ServeTokens.fromEnvironment(System.getenv());
        if (tokens.isEmpty()) {
            throw new UsageError("serve needs bearer tokens: set " + ServeTokens.FILE_ENV + " (a file, one per line) or "
                    + ServeTokens.LIST_ENV + " (comma-separated)");
        }
        String secret = pii.required("serve");
        long lookbackMillis = lookback != null ? lookback.toMillis() : compiled.maxOutOfOrdernessMillis;
        if (lookbackMillis < compiled.maxOutOfOrdernessMillis) {
            throw new UsageError("--lookback must be at least the spec's max_out_of_orderness (" + compiled.maxOutOfOrdernessMillis + " ms)");
        }
        ModelWatch.Registry registry = compiled.models.isEmpty() ? null
                : new ModelWatch.Registry(store.jdbcUrl(), store.user, store.password());
        FeatureServer server = ServingSetup.start(compiled, bootstrap, topicPrefix, servedLog, secret, tokens, host, port, lookbackMillis,
                history == null ? null : ServingHistory.of(compiled, history, secret), registry);
        System.out.printf("tandem feature server on http://%s:%d (spec %s); /ready once the state has read %s%n", host,
                server.port(), compiled.name, topicPrefix + Topics.TRANSACTIONS);
        server.serveUntilShutdown();
        return 0;
    }
}
