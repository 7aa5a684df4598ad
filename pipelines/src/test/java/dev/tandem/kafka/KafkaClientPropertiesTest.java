package dev.tandem.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class KafkaClientPropertiesTest {
    @Test
    void prefixedVariablesBecomeClientSettings() {
        Properties p = KafkaClientProperties.fromEnvironment(Map.of(
                "TANDEM_KAFKA_PROP_SECURITY_PROTOCOL", "SASL_SSL",
                "TANDEM_KAFKA_PROP_SASL_JAAS_CONFIG", "org.apache.kafka.common.security.scram.ScramLoginModule required;",
                "TANDEM_KAFKA_PROP_", "ignored: no name",
                "TANDEM_KAFKA_BOOTSTRAP", "not a client property",
                "PATH", "/usr/bin"));
        assertThat(p).containsOnly(
                Map.entry("security.protocol", "SASL_SSL"),
                Map.entry("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required;"));
    }

    @Test
    void theBootstrapServersAreAlwaysSet() {
        assertThat(KafkaClientProperties.forBootstrap("broker:9092").getProperty("bootstrap.servers")).isEqualTo("broker:9092");
    }
}
