package dev.tandem.serve;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tandem.ingest.RecordCleaner;
import dev.tandem.spec.CompiledSpec;
import dev.tandem.spec.SpecCompiler;
import dev.tandem.udfs.logic.CurrencyConverter;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The HTTP edge on a real Undertow listener: tokens, body limits, refusals, answers' shape, probes,
 * metrics, and what happens when more requests come than it runs at once.
 */
@Timeout(60) // a request stuck behind a held slot fails the test instead of hanging the build
class HttpApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final CompiledSpec SPEC = SpecCompiler.load(null);
    private static final String SECRET = "http-test-secret";
    private static final String TOKEN = "token-for-tests";
    private static final long NOW = Instant.parse("2026-03-02T12:00:00Z").toEpochMilli();
    private static final String TXN = """
            {"txn_id":"%s","ts":"2026-03-02T11:%s:00Z","card_number":"4111111111111111","amount":"12.00","currency":"USD",
             "merchant_id":"m-1","lat":52.5,"lon":13.4,"country":"DE","email":"a@example.com","channel":"web"}""";

    private final HttpClient client = HttpClient.newHttpClient();
    private volatile String upstreamDown;
    private HttpApi api;
    private ServingState state;

    private void start(HttpApi.Limits limits) throws Exception {
        state = new ServingState(SPEC);
        RecordCleaner cleaner = new RecordCleaner(SPEC, SECRET, CurrencyConverter.defaultTable(), () -> NOW);
        state.apply(cleaner.clean(TXN.formatted("t1", "30")).event(), "transactions-0");
        FeedStatus feed = new FeedStatus() {
            @Override
            public Map<Integer, Long> appliedOffsets() {
                return Map.of(0, 1L);
            }

            @Override
            public boolean isReady() {
                return true;
            }

            @Override
            public boolean isHealthy() {
                return true;
            }

            @Override
            public String unavailable() {
                return upstreamDown;
            }

            @Override
            public long lagRecords() {
                return 0;
            }
        };
        FeatureService service = new FeatureService(state, feed, "v-http", SECRET, () -> NOW);
        ServeTokens tokens = ServeTokens.fromEnvironment(Map.of(ServeTokens.LIST_ENV, "other-token, " + TOKEN));
        api = new HttpApi(service, state, new ServeMetrics(state), null, tokens, "127.0.0.1", 0, limits).start();
    }

    @BeforeEach
    void startWithDefaults() throws Exception {
        start(HttpApi.Limits.defaults());
    }

    @AfterEach
    void stop() {
        api.close();
    }

    private HttpResponse<String> post(String path, String body, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + path))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void everyV1RequestNeedsAValidBearerToken() throws Exception {
        HttpResponse<String> none = post("/v1/features", TXN.formatted("t2", "40"), null);
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
        assertThat(post("/v1/entities/card", "{\"key\":\"4111111111111111\"}", "wrong").statusCode()).isEqualTo(401);
        assertThat(post("/v1/entities/card", "{\"key\":\"4111111111111111\"}", TOKEN + "x").statusCode()).isEqualTo(401);
        assertThat(post("/v1/entities/card", "{\"key\":\"4111111111111111\"}", "other-token").statusCode()).isEqualTo(200);
        assertThat(get("/health").statusCode()).as("probes need no token").isEqualTo(200);
    }

    @Test
    void anAnswerCarriesEveryFeatureTheNewestEventAndWhatTheStateHadApplied() throws Exception {
        HttpResponse<String> response = post("/v1/features", TXN.formatted("t2", "40"), TOKEN);
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode answer = JSON.readTree(response.body());
        assertThat(answer.path("request_id").asText()).isNotBlank();
        assertThat(JSON.readTree(post("/v1/features", TXN.formatted("t2", "40"), TOKEN).body()).path("request_id").asText())
                .as("each answer its own id").isNotEqualTo(answer.path("request_id").asText());
        assertThat(answer.path("feature_set_version").asText()).isEqualTo("v-http");
        assertThat(answer.path("event_id").asText()).isEqualTo("t2");
        assertThat(answer.path("as_of").asText()).isEqualTo("2026-03-02T11:40:00Z");
        List<String> names = new ArrayList<>();
        answer.path("features").fieldNames().forEachRemaining(names::add);
        // Every group's features and the spec's on-demand ones, by name.
        assertThat(names).containsExactlyInAnyOrderElementsOf(SPEC.allFeatures().stream().map(f -> f.name()).toList());
        assertThat(answer.path("features").path("card_txn_count_1h").asLong()).isEqualTo(1);
        assertThat(answer.path("features").path("card_txn_count_1h").isIntegralNumber()).isTrue();
        assertThat(answer.path("groups").path("card").path("newest_event").path("id").asText()).isEqualTo("t1");
        assertThat(answer.path("groups").path("merchant").path("key").asText()).isEqualTo("m-1");
        assertThat(answer.path("applied_offsets").path("0").asLong()).isEqualTo(1);
        assertThat(response.body()).as("no raw card number in an answer").doesNotContain("4111111111111111");

        JsonNode batch = JSON.readTree(post("/v1/features", "[" + TXN.formatted("t2", "40") + "," + TXN.formatted("t3", "20") + "]", TOKEN).body());
        assertThat(batch.path("results")).hasSize(2);
        assertThat(batch.path("results").get(1).path("features").path("card_txn_count_1h").asLong()).as("as of 11:20").isZero();

        JsonNode entity = JSON.readTree(post("/v1/entities/card", "{\"key\":\"4111 1111 1111 1111\",\"at\":\"2026-03-02T11:31:00Z\"}", TOKEN).body());
        assertThat(entity.path("features").path("card_txn_count_10m").asLong()).isEqualTo(1);
        assertThat(entity.path("groups").size()).isEqualTo(1);
    }

    @Test
    void badInputGetsAClearStatusAndTheServerKeepsAnswering() throws Exception {
        assertThat(post("/v1/features", "{\"txn_id\":", TOKEN).statusCode()).isEqualTo(400);
        assertThat(post("/v1/features", "\"just text\"", TOKEN).statusCode()).isEqualTo(400);
        assertThat(post("/v1/features", "", TOKEN).statusCode()).isEqualTo(400);
        HttpResponse<String> refused = post("/v1/features", TXN.formatted("t2", "40").replace("\"12.00\"", "\"twelve\""), TOKEN);
        assertThat(refused.statusCode()).isEqualTo(422);
        assertThat(JSON.readTree(refused.body()).path("reason").asText()).isEqualTo("invalid_amount");
        JsonNode mixed = JSON.readTree(post("/v1/features", "[" + TXN.formatted("t2", "40") + ",{}]", TOKEN).body());
        assertThat(mixed.path("results").get(1).path("status").asInt()).as("one refused event in a list").isEqualTo(422);
        assertThat(post("/v1/features", TXN.formatted("t2", "40") + " {}", TOKEN).statusCode()).as("something after the object").isEqualTo(400);
        // The spec's record limit holds for each event as sent, alone or in a list (parsed once: sizes from the body's bytes).
        String padded = TXN.formatted("t2", "40").replaceFirst("\\{", "{" + " ".repeat(SPEC.rowSource().maxRecordBytes()));
        HttpResponse<String> oversized = post("/v1/features", padded, TOKEN);
        assertThat(oversized.statusCode()).isEqualTo(422);
        assertThat(JSON.readTree(oversized.body()).path("reason").asText()).isEqualTo("oversized");
        JsonNode inList = JSON.readTree(post("/v1/features", "[" + TXN.formatted("t2", "40") + "," + padded + "]", TOKEN).body());
        assertThat(inList.path("results").get(0).path("features").isObject()).isTrue();
        assertThat(inList.path("results").get(1).path("reason").asText()).isEqualTo("oversized");
        assertThat(post("/v1/entities/nope", "{\"key\":\"x\"}", TOKEN).statusCode()).isEqualTo(404);
        assertThat(post("/v1/entities/card", "{}", TOKEN).statusCode()).isEqualTo(400);
        assertThat(post("/v1/entities/card", "{\"key\":\"4111111111111111\",\"at\":\"soon\"}", TOKEN).statusCode()).isEqualTo(400);
        assertThat(post("/v1/entities/card", "{\"key\":\"4111111111111111\",\"at\":\"2026-03-02T11:31:00.0005Z\"}", TOKEN).statusCode())
                .as("an instant finer than a millisecond").isEqualTo(400);
        assertThat(get("/v1/features").statusCode()).as("only POST").isIn(404, 405);

        String huge = "{\"txn_id\":\"" + "x".repeat(300 * 1024) + "\"}";
        assertThat(post("/v1/features", huge, TOKEN).statusCode()).isEqualTo(413);
        StringBuilder many = new StringBuilder("[");
        for (int i = 0; i < 101; i++) {
            many.append(i == 0 ? "" : ",").append("{}");
        }
        assertThat(post("/v1/features", many.append("]").toString(), TOKEN).statusCode()).isEqualTo(413);
        assertThat(post("/v1/features", TXN.formatted("t2", "40"), TOKEN).statusCode()).isEqualTo(200);

        String metrics = get("/metrics").body();
        assertThat(metrics).contains("tandem_serve_errors_total{kind=\"413_too_large\"} 1.0")
                .contains("tandem_serve_errors_total{kind=\"422_invalid_amount\"} 1.0")
                .contains("tandem_serve_request_seconds_bucket{endpoint=\"features\"")
                .contains("tandem_serve_entities{group=\"card\"} 1.0");
    }

    @Test
    void whileTheFeedHasNoBrokerAnswersAre503WithWhyAndServedAgainOnceItIsBack() throws Exception {
        upstreamDown = "no answer from Kafka for 7 s: answers could miss events the topic holds";
        HttpResponse<String> scored = post("/v1/features", TXN.formatted("t2", "40"), TOKEN);
        HttpResponse<String> entity = post("/v1/entities/card", "{\"key\":\"4111111111111111\"}", TOKEN);
        for (HttpResponse<String> refused : List.of(scored, entity)) {
            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(JSON.readTree(refused.body()).path("reason").asText()).isEqualTo("upstream_unavailable");
            assertThat(JSON.readTree(refused.body()).path("detail").asText()).contains("no answer from Kafka");
        }
        assertThat(get("/metrics").body()).contains("tandem_serve_errors_total{kind=\"503_upstream_unavailable\"} 2.0");
        upstreamDown = null;
        assertThat(post("/v1/features", TXN.formatted("t2", "40"), TOKEN).statusCode()).isEqualTo(200);
    }

    @Test
    void beyondWhatItRunsAndQueuesItAnswers503AndThenServesAgain() throws Exception {
        api.close();
        start(new HttpApi.Limits(64 * 1024, 100, 1, 1));
        // One request whose body has not finished arriving holds the only running slot.
        String body = TXN.formatted("t2", "40");
        Socket slow = new Socket("127.0.0.1", api.port());
        OutputStream out = slow.getOutputStream();
        out.write(("POST /v1/features HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TOKEN
                + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(body.substring(0, 10).getBytes(StandardCharsets.US_ASCII));
        out.flush();
        // Requests behind it: the first to arrive waits in the queue, the others are refused. None is
        // given up on: a request still unanswered after 2 s is kept, to see how it ends.
        List<CompletableFuture<HttpResponse<String>>> sent = new ArrayList<>();
        int status = 0;
        for (int attempt = 0; attempt < 100 && status != 503; attempt++) {
            CompletableFuture<HttpResponse<String>> request = client.sendAsync(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + api.port() + "/v1/features")).header("Authorization", "Bearer " + TOKEN)
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            sent.add(request);
            try {
                status = request.get(2, TimeUnit.SECONDS).statusCode();
            } catch (TimeoutException unanswered) {
                status = -1;
            }
        }
        assertThat(status).as("with one running and one queued, a request is refused").isEqualTo(503);
        List<CompletableFuture<HttpResponse<String>>> waiting = sent.stream().filter(r -> !r.isDone()).toList();
        assertThat(waiting).as("requests waiting while the only slot is held: the queue's one").hasSize(1);
        assertThat(sent.stream().filter(CompletableFuture::isDone).map(r -> r.join().statusCode())).containsOnly(503);
        out.write(body.substring(10).getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String statusLine = new BufferedReader(new InputStreamReader(slow.getInputStream(), StandardCharsets.US_ASCII)).readLine();
        assertThat(statusLine).isEqualTo("HTTP/1.1 200 OK");
        assertThat(waiting.get(0).get(30, TimeUnit.SECONDS).statusCode()).as("the queued request, once the slot is free").isEqualTo(200);
        slow.close();
        assertThat(post("/v1/features", body, TOKEN).statusCode()).as("serves again").isEqualTo(200);
    }
}
