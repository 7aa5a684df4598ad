package dev.tandem.kafka;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** An unreachable broker is named in one line, within a bounded wait. */
class TopicsTest {
    @Test
    void aBrokerThatDoesNotAnswerIsNamedWithWhatToCheck() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        String bootstrap = "127.0.0.1:" + closedPort;
        assertThatThrownBy(() -> Topics.ensure(bootstrap, Map.of("t", 1), Duration.ofSeconds(2)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("Kafka at " + bootstrap + " did not answer within 2 s: is the broker running and reachable from here (--bootstrap)?");
    }
}
