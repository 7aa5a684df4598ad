package dev.tandem.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.configuration.Configuration;

/** What a running job's REST API says (embedded or standalone): restarts and checkpointed state size. */
public final class FlinkRest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final String base;
    private final String jobId;

    public FlinkRest(String base, String jobId) {
        this.base = base;
        this.jobId = jobId;
    }

    /** Settings that give an embedded cluster its REST API on a free loopback port, and that API's address. */
    public record Embedded(Configuration configuration, String base) {
        public static Embedded onFreePort() throws IOException {
            int port;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            Configuration conf = new Configuration();
            conf.setString("rest.bind-port", String.valueOf(port));
            conf.setString("rest.port", String.valueOf(port));
            conf.setString("rest.bind-address", "127.0.0.1");
            conf.setString("metrics.fetcher.update-interval", "1 s"); // task metrics in the REST answers every second, not every 10 s
            return new Embedded(conf, "http://127.0.0.1:" + port);
        }

        public FlinkRest job(String jobId) {
            return new FlinkRest(base, jobId);
        }
    }

    /** The id of the job the cluster runs now, or null (none yet, or no answer). */
    public static String runningJob(String base) {
        JsonNode jobs = new FlinkRest(base, "").get("/jobs");
        if (jobs != null) {
            for (JsonNode job : jobs.path("jobs")) {
                if ("RUNNING".equals(job.path("status").asText())) {
                    return job.path("id").asText();
                }
            }
        }
        return null;
    }

    /** The job's status as the REST API says it (RUNNING, RESTARTING, ...); null when it does not answer. */
    public String status() {
        JsonNode job = get("/jobs/" + jobId);
        return job == null ? null : job.path("state").asText(null);
    }

    /** How often the job has restarted (its numRestarts metric); -1 when the REST API does not answer. */
    public long restarts() {
        JsonNode metric = get("/jobs/" + jobId + "/metrics?get=numRestarts");
        return metric == null ? -1 : metric.path(0).path("value").asLong(-1);
    }

    /** The full state size of the latest completed checkpoint, in bytes; -1 when none or no answer. */
    public long stateBytes() {
        JsonNode checkpoints = get("/jobs/" + jobId + "/checkpoints");
        return checkpoints == null ? -1 : checkpoints.path("latest").path("completed").path("state_size").asLong(-1);
    }

    /** The id of the checkpoint the job last restored from (after a restart); -1 when none or no answer. */
    public long restoredCheckpoint() {
        JsonNode checkpoints = get("/jobs/" + jobId + "/checkpoints");
        return checkpoints == null ? -1 : checkpoints.path("latest").path("restored").path("id").asLong(-1);
    }

    /** Checkpoints completed and failed so far: {completed, failed}. */
    public long[] checkpointCounts() {
        JsonNode checkpoints = get("/jobs/" + jobId + "/checkpoints");
        return checkpoints == null ? new long[] {-1, -1}
                : new long[] {checkpoints.path("counts").path("completed").asLong(), checkpoints.path("counts").path("failed").asLong()};
    }

    /**
     * Records the job's tasks whose name starts with {@code prefix} have read so far, summed over
     * them (the REST API's per-vertex read-records); -1 when no such task or no answer.
     */
    public long recordsReadBy(String prefix) {
        return vertexMetric(prefix, "read-records");
    }

    /** Records written by the tasks whose name starts with {@code prefix}; -1 when no such task or no answer. */
    public long recordsWrittenBy(String prefix) {
        return vertexMetric(prefix, "write-records");
    }

    private long vertexMetric(String prefix, String metric) {
        JsonNode job = get("/jobs/" + jobId);
        long sum = -1;
        if (job != null) {
            for (JsonNode vertex : job.path("vertices")) {
                if (vertex.path("name").asText().startsWith(prefix)) {
                    sum = Math.max(sum, 0) + vertex.path("metrics").path(metric).asLong();
                }
            }
        }
        return sum;
    }

    /**
     * The failures that made the job restart or fail, newest first, each as its stack trace (which
     * names the causes); empty when none or no answer.
     */
    public List<String> failures() {
        JsonNode exceptions = get("/jobs/" + jobId + "/exceptions");
        List<String> failures = new ArrayList<>();
        if (exceptions != null) {
            exceptions.path("exceptionHistory").path("entries").forEach(entry -> failures.add(entry.path("stacktrace").asText()));
        }
        return failures;
    }

    private JsonNode get(String path) {
        try {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(5))
                    .build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? JSON.readTree(response.body()) : null;
        } catch (Exception noAnswer) {
            return null;
        }
    }
}
