package dev.tandem.kafka;

import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Kafka client settings every Tandem client shares: the bootstrap servers, plus whatever the
 * environment adds as {@code TANDEM_KAFKA_PROP_<NAME>}, the name upper-cased with dots as
 * underscores ({@code TANDEM_KAFKA_PROP_SECURITY_PROTOCOL=SASL_SSL} sets
 * {@code security.protocol}). That is how credentials such as {@code sasl.jaas.config} reach the
 * jobs from a Kubernetes Secret without ever appearing on a command line or in a file.
 */
public final class KafkaClientProperties {
    static final String PREFIX = "TANDEM_KAFKA_PROP_";

    private KafkaClientProperties() {}

    /** The bootstrap servers and the environment's extra settings. */
    public static Properties forBootstrap(String bootstrap) {
        Properties p = fromEnvironment(System.getenv());
        p.setProperty("bootstrap.servers", bootstrap);
        return p;
    }

    /** The extra settings alone, from the given environment. */
    public static Properties fromEnvironment(Map<String, String> environment) {
        Properties p = new Properties();
        environment.forEach((name, value) -> {
            if (name.startsWith(PREFIX) && name.length() > PREFIX.length()) {
                p.setProperty(name.substring(PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.'), value);
            }
        });
        return p;
    }
}
