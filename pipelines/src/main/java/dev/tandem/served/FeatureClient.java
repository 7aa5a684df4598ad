package dev.tandem.served;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A client of the feature server, as a model service would call it: JSON over HTTP with a bearer token. */
public final class FeatureClient {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A status and the parsed body. */
    public record Response(int status, JsonNode body) {}

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final String token;

    public FeatureClient(String base, String token) {
        this.base = base;
        this.token = token;
    }

    /** Features of an event being scored (its raw record, or a JSON list of them). */
    public Response score(String rawEvents) throws IOException, InterruptedException {
        return send(request("/v1/features", rawEvents));
    }

    /** One entity's features as of {@code at} (ISO-8601 or epoch millis; null: the server's now). */
    public Response entity(String group, String rawKey, String at) throws IOException, InterruptedException {
        var body = JSON.createObjectNode().put("key", rawKey);
        if (at != null) {
            body.put("at", at);
        }
        return send(request("/v1/entities/" + group, body.toString()));
    }

    /** The status of scoring, the answer read and dropped: what a load generator needs. */
    public int scoreStatus(String rawEvents) throws IOException, InterruptedException {
        return http.send(request("/v1/features", rawEvents), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** The same with a body prepared as bytes (a load generator's, built before its clock starts). */
    public int scoreStatus(byte[] rawEvents) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/v1/features")).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(rawEvents)).build();
        return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    public String getText(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    public int get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private HttpRequest request(String path, String body) {
        return HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private Response send(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        JsonNode body;
        try {
            body = JSON.readTree(response.body());
        } catch (IOException notJson) {
            body = JSON.getNodeFactory().textNode(response.body());
        }
        return new Response(response.statusCode(), body);
    }
}
