package dev.tandem.serve;

import dev.tandem.kafka.KafkaClientProperties;
import dev.tandem.spec.CompiledSpec;
import dev.tandem.spec.SpecCompiler;
import dev.tandem.udfs.logic.Pseudonymizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;

/**
 * The feature server as a container runs it ({@code java -jar tandem-serve-*-server.jar}): no Flink
 * on the classpath, configured from the environment as the Kubernetes Deployment sets it. The same
 * server {@code ./tandem serve} starts from the command line.
 */
public final class ServeMain {
    private ServeMain() {}

    /** TANDEM_SERVE_LOOKBACK (ISO-8601, e.g. PT1H); default max_out_of_orderness. */
    private static long lookback(Map<String, String> env, CompiledSpec spec) {
        String lookback = env.get("TANDEM_SERVE_LOOKBACK");
        return lookback == null || lookback.isBlank() ? spec.maxOutOfOrdernessMillis : Duration.parse(lookback).toMillis();
    }

    /** TANDEM_SERVE_HISTORY: a directory of JSON-lines event files to start the state from (as serve --history); default none. */
    private static StateBootstrap history(Map<String, String> env, CompiledSpec spec, String secret) {
        String dir = env.get("TANDEM_SERVE_HISTORY");
        return dir == null || dir.isBlank() ? null : HistoryBootstrap.of(spec, Path.of(dir), secret);
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> env = System.getenv();
        String specFile = env.get("TANDEM_SPEC");
        CompiledSpec spec = SpecCompiler.load(specFile == null || specFile.isBlank() ? null : Path.of(specFile));
        ServeTokens tokens = ServeTokens.fromEnvironment(env);
        String secret = secret(env);
        String prefix = env.getOrDefault("TANDEM_TOPIC_PREFIX", "");
        // Secured clusters' settings as the jobs take them (TANDEM_KAFKA_PROP_SASL_MECHANISM -> sasl.mechanism).
        Properties kafka = KafkaClientProperties.fromEnvironment(env);
        kafka.setProperty("bootstrap.servers", env.getOrDefault("TANDEM_KAFKA_BOOTSTRAP", "127.0.0.1:9092"));
        FeatureServer server = FeatureServer.start(new FeatureServer.Config(spec, spec.featureSetVersion(),
                kafka, prefix + "transactions", prefix + "erasures", prefix + env.getOrDefault("TANDEM_SERVED_LOG", "served-features"),
                secret, tokens, env.getOrDefault("TANDEM_SERVE_HOST", "0.0.0.0"),
                Integer.parseInt(env.getOrDefault("TANDEM_SERVE_PORT", "8080")), HttpApi.Limits.defaults(), lookback(env, spec), history(env, spec, secret),
                registry(env, spec)));
        System.out.printf("tandem feature server on port %d (spec %s)%n", server.port(), spec.name);
        server.serveUntilShutdown();
    }

    /** The model registry (the online store's database) when the spec scores models: TANDEM_JDBC_URL, TANDEM_JDBC_USER, TANDEM_PG_PASSWORD[_FILE]. */
    private static ModelWatch.Registry registry(Map<String, String> env, CompiledSpec spec) throws java.io.IOException {
        String url = env.get("TANDEM_JDBC_URL");
        if (spec.models.isEmpty() || url == null || url.isBlank()) {
            return null;
        }
        String file = env.get("TANDEM_PG_PASSWORD_FILE");
        String password = file != null && !file.isBlank() ? Files.readString(Path.of(file)).strip() : env.getOrDefault("TANDEM_PG_PASSWORD", "");
        // the registry is only read here: the online store's read-only role will do
        return new ModelWatch.Registry(url, env.getOrDefault("TANDEM_JDBC_USER", "tandem_reader"), password);
    }

    private static String secret(Map<String, String> env) throws java.io.IOException {
        String file = env.get("TANDEM_PII_SECRET_FILE");
        String secret = file != null && !file.isBlank() ? Files.readString(Path.of(file)).strip() : env.get(Pseudonymizer.SECRET_ENV);
        if (secret == null || secret.isBlank()) {
            throw new IllegalArgumentException("the feature server pseudonymises keys as ingestion does: set " + Pseudonymizer.SECRET_ENV
                    + " or TANDEM_PII_SECRET_FILE to the jobs' key");
        }
        return secret;
    }
}
