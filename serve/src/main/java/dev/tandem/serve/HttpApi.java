package dev.tandem.serve;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.undertow.Handlers;
import io.undertow.Undertow;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.RequestLimitingHandler;
import io.undertow.util.Headers;
import io.undertow.util.PathTemplateMatch;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The feature server's HTTP edge (Undertow): it turns requests into {@link FeatureService} calls
 * and answers into JSON, and nothing else. Every {@code /v1} request needs a bearer token;
 * bodies over the limit are refused unread (413), unreadable ones answer 400, a refused event 422
 * with its dead-letter reason; at most {@code maxConcurrent} requests run and a bounded queue
 * waits, beyond it 503 — memory never grows with the load.
 */
public final class HttpApi implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Limits of the edge. */
    public record Limits(int maxBodyBytes, int maxEventsPerRequest, int maxConcurrent, int queue) {
        public static Limits defaults() {
            return new Limits(256 * 1024, 100, 64, 1_000);
        }
    }

    private final FeatureService service;
    private final AnswerJson answers;
    private final ServedLog log;
    private final ServeTokens tokens;
    private final ServeMetrics metrics;
    private final Limits limits;
    private final Undertow server;

    public HttpApi(FeatureService service, ServingState state, ServeMetrics metrics, ServedLog log, ServeTokens tokens, String host, int port,
            Limits limits) {
        this.service = service;
        this.answers = new AnswerJson(state.spec());
        this.log = log;
        this.tokens = tokens;
        this.metrics = metrics;
        this.limits = limits;
        HttpHandler routes = Handlers.routing()
                .post("/v1/features", blocking(this::features))
                .post("/v1/entities/{group}", blocking(this::entity))
                .get("/health", exchange -> probe(exchange, service.isHealthy(), "feed is reading"))
                .get("/ready", exchange -> probe(exchange, service.isReady(), "state has caught up with the topic"))
                .get("/metrics", blocking(this::metrics))
                .setFallbackHandler(exchange -> error(exchange, 404, "not_found", "no such path"));
        this.server = Undertow.builder()
                .addHttpListener(port, host)
                .setHandler(new RequestLimitingHandler(limits.maxConcurrent(), limits.queue(), routes))
                .build();
    }

    public HttpApi start() {
        server.start();
        return this;
    }

    /** The port the server listens on (useful when it was asked for port 0). */
    public int port() {
        return ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
    }

    private interface Handler {
        void handle(HttpServerExchange exchange) throws Exception;
    }

    /** Runs the handler on a worker thread, where it may block. */
    private static HttpHandler blocking(Handler handler) {
        return new HttpHandler() {
            @Override
            public void handleRequest(HttpServerExchange exchange) throws Exception {
                if (exchange.isInIoThread()) {
                    exchange.dispatch(this);
                    return;
                }
                exchange.startBlocking();
                handler.handle(exchange);
            }
        };
    }

    private void features(HttpServerExchange exchange) throws IOException {
        long started = System.nanoTime();
        byte[] body = authorizedBytes(exchange);
        if (body == null) {
            return;
        }
        Events parsed = events(body);
        if (parsed == null) {
            error(exchange, 400, "malformed_json", "the body must be a JSON object (or, for /v1/features, a list of them)");
            return;
        }
        List<Event> events = parsed.events();
        if (events.size() > limits.maxEventsPerRequest()) {
            error(exchange, 413, "too_many_events", "at most " + limits.maxEventsPerRequest() + " events per request");
            return;
        }
        if (parsed.list()) {
            ByteArrayOutputStream results = new ByteArrayOutputStream(1024 * events.size());
            results.write(RESULTS_START);
            for (int i = 0; i < events.size(); i++) {
                if (i > 0) {
                    results.write(',');
                }
                results.write(reply(service.score(events.get(i).tree(), events.get(i).bytes())).body());
            }
            results.write(RESULTS_END);
            send(exchange, 200, results.toByteArray());
        } else {
            respond(exchange, service.score(events.get(0).tree(), body.length));
        }
        metrics.observe("features", started);
    }

    private static final byte[] RESULTS_START = "{\"results\":[".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] RESULTS_END = "]}".getBytes(StandardCharsets.US_ASCII);

    /** One event of a request, parsed once, and the bytes it took in the body. */
    private record Event(JsonNode tree, long bytes) {}

    /** A request's events, and whether the body was a list of them. */
    private record Events(boolean list, List<Event> events) {}

    /** The body's events: the object, or each element of the list with its size as sent; null when it is neither. */
    private static Events events(byte[] body) {
        try (JsonParser parser = JSON.getFactory().createParser(body)) {
            JsonToken first = parser.nextToken();
            List<Event> events = new ArrayList<>();
            if (first == JsonToken.START_OBJECT) {
                events.add(new Event(parser.readValueAsTree(), body.length));
            } else if (first == JsonToken.START_ARRAY) {
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    long from = parser.currentTokenLocation().getByteOffset();
                    JsonNode event = parser.readValueAsTree();
                    events.add(new Event(event, parser.currentLocation().getByteOffset() - from));
                }
            } else {
                return null;
            }
            return parser.nextToken() == null ? new Events(first == JsonToken.START_ARRAY, events) : null; // nothing may follow the value
        } catch (IOException malformed) {
            return null;
        }
    }

    private void entity(HttpServerExchange exchange) throws IOException {
        long started = System.nanoTime();
        byte[] bytes = authorizedBytes(exchange);
        if (bytes == null) {
            return;
        }
        JsonNode body = object(bytes);
        if (body == null) {
            error(exchange, 400, "malformed_json", "the body must be a JSON object");
            return;
        }
        String group = exchange.getAttachment(PathTemplateMatch.ATTACHMENT_KEY).getParameters().get("group");
        JsonNode key = body.get("key");
        JsonNode at = body.get("at");
        String atText = at == null || at.isNull() ? null : at.asText();
        respond(exchange, service.entity(group, key == null || key.isNull() ? null : key.asText(), atText));
        metrics.observe("entities", started);
    }

    private void respond(HttpServerExchange exchange, FeatureService.Result result) throws IOException {
        Reply reply = reply(result);
        send(exchange, reply.status(), reply.body());
    }

    /** A status and its JSON body. */
    private record Reply(int status, byte[] body) {}

    /**
     * An answer as JSON, serialized once for the client and the served-feature log; a refusal as its
     * error object. An answer the log cannot take (the broker unreachable and the log's buffer
     * without room) is not given: no answer goes unlogged.
     */
    private Reply reply(FeatureService.Result result) {
        if (result instanceof FeatureService.Served served) {
            byte[] json = answers.bytes(served);
            if (log == null || log.served(json, served.requestId(), answers.shadowField(served))) {
                metrics.scored(served);
                return new Reply(200, json);
            }
            result = new FeatureService.Refused(503, "served_log_unavailable", "the served-feature log cannot take the answer "
                    + "now (the broker has been unreachable long enough to fill the log's queue): it is not given unlogged");
        }
        FeatureService.Refused refused = (FeatureService.Refused) result;
        metrics.error(refused.status(), refused.reason());
        return new Reply(refused.status(), errorBody(refused.status(), refused.reason(), refused.detail()).toString()
                .getBytes(StandardCharsets.UTF_8));
    }

    /** The request's body after the token and size checks, or null when an error was sent. */
    private byte[] authorizedBytes(HttpServerExchange exchange) throws IOException {
        if (!tokens.allows(exchange.getRequestHeaders().getFirst(Headers.AUTHORIZATION))) {
            exchange.getResponseHeaders().put(Headers.WWW_AUTHENTICATE, "Bearer");
            error(exchange, 401, "unauthorized", "a valid bearer token is required");
            return null;
        }
        long declared = exchange.getRequestContentLength();
        if (declared > limits.maxBodyBytes()) {
            error(exchange, 413, "too_large", "the body is larger than " + limits.maxBodyBytes() + " bytes");
            return null;
        }
        byte[] bytes;
        try (InputStream in = exchange.getInputStream()) {
            bytes = in.readNBytes(limits.maxBodyBytes() + 1);
        }
        if (bytes.length > limits.maxBodyBytes()) {
            error(exchange, 413, "too_large", "the body is larger than " + limits.maxBodyBytes() + " bytes");
            return null;
        }
        return bytes;
    }

    /** The body as a JSON object, or null when it is not one. */
    private static JsonNode object(byte[] bytes) {
        try {
            JsonNode body = JSON.readTree(bytes);
            return body != null && body.isObject() ? body : null;
        } catch (IOException e) {
            return null;
        }
    }

    private void metrics(HttpServerExchange exchange) throws IOException {
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
        exchange.getResponseSender().send(new String(metrics.scrape(), StandardCharsets.UTF_8));
    }

    private static void probe(HttpServerExchange exchange, boolean ok, String what) {
        ObjectNode body = JSON.createObjectNode().put("status", ok ? "ok" : "not_ok").put("check", what);
        send(exchange, ok ? 200 : 503, body);
    }

    private void error(HttpServerExchange exchange, int status, String reason, String detail) {
        metrics.error(status, reason);
        send(exchange, status, errorBody(status, reason, detail));
    }

    private static ObjectNode errorBody(int status, String reason, String detail) {
        return JSON.createObjectNode().put("status", status).put("reason", reason).put("detail", detail);
    }

    private static void send(HttpServerExchange exchange, int status, JsonNode body) {
        send(exchange, status, body.toString());
    }

    private static void send(HttpServerExchange exchange, int status, String json) {
        send(exchange, status, json.getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpServerExchange exchange, int status, byte[] json) {
        exchange.setStatusCode(status);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
        exchange.getResponseSender().send(ByteBuffer.wrap(json));
    }

    @Override
    public void close() {
        server.stop();
    }
}
