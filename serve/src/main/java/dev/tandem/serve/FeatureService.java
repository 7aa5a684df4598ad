package dev.tandem.serve;

import dev.tandem.features.OnDemandFeatures;
import dev.tandem.ingest.CleanEvent;
import dev.tandem.ingest.RecordCleaner;
import dev.tandem.model.ModelScorers;
import dev.tandem.spec.CompiledSpec;
import dev.tandem.udfs.logic.CurrencyConverter;
import dev.tandem.udfs.logic.TimestampParser;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The feature server's service, with no HTTP in it: an event being scored, or an entity and an
 * instant, in; every feature as of that instant out, from the serving state and the as-of engine.
 * Requests are cleaned and pseudonymised as ingestion does; a refused event answers with the
 * dead-letter reason. The scored event is never added to any history.
 */
public final class FeatureService {
    /** What a request gets back. */
    public sealed interface Result permits Served, Refused {}

    /**
     * Features as of {@code asOf}: per group, with the newest event taken into account; the spec's
     * on-demand features of a scored event (empty for an entity's lookup); and the feed's offsets then
     * (the event topic's, and each feature source topic's). For a scored event of a spec with models,
     * each model's primary score ({@code scores}, answered) and its shadow versions' ({@code shadows},
     * logged only); both null otherwise.
     */
    public record Served(String requestId, String featureSetVersion, long asOf, String eventId, List<ServingState.GroupAnswer> groups,
            double[] onDemand, Map<Integer, Long> appliedOffsets, Map<String, Map<Integer, Long>> featureSourceOffsets,
            ModelScorers.Score[] scores, ModelScorers.Score[][] shadows)
            implements Result {}

    /** No answer: an HTTP-like status, a machine-readable reason and a detail for people. */
    public record Refused(int status, String reason, String detail) implements Result {}

    private final ServingState state;
    private final FeedStatus feed;
    private final String featureSetVersion;
    private final LongSupplier clock;
    private final ThreadLocal<RecordCleaner> cleaners;
    private final OnDemandFeatures onDemand;
    private final RequestIds requestIds = new RequestIds();
    /** The spec's models as the registry decides; null when the spec has none. */
    private final Supplier<ModelScorers> models;

    public FeatureService(ServingState state, FeedStatus feed, String featureSetVersion, String piiSecret, LongSupplier clock) {
        this(state, feed, featureSetVersion, piiSecret, clock, null);
    }

    public FeatureService(ServingState state, FeedStatus feed, String featureSetVersion, String piiSecret, LongSupplier clock,
            Supplier<ModelScorers> models) {
        this.models = models;
        this.state = state;
        this.feed = feed;
        this.featureSetVersion = featureSetVersion;
        this.clock = clock;
        CompiledSpec spec = state.spec();
        this.onDemand = new OnDemandFeatures(spec);
        this.cleaners = ThreadLocal.withInitial(() -> new RecordCleaner(spec, piiSecret, CurrencyConverter.defaultTable(), clock));
    }

    /** Features of an event being scored (a raw record in the source's own shape), as of its own time. */
    public Result score(String rawEvent) {
        Refused upstream = upstreamDown();
        return upstream != null ? upstream : scoreCleaned(cleaners.get().clean(rawEvent));
    }

    /** The same for an event its caller parsed once (a request body), {@code recordBytes} long as sent. */
    public Result score(com.fasterxml.jackson.databind.JsonNode event, long recordBytes) {
        Refused upstream = upstreamDown();
        return upstream != null ? upstream : scoreCleaned(cleaners.get().clean(event, recordBytes, event::toString));
    }

    private Result scoreCleaned(RecordCleaner.Outcome outcome) {
        if (outcome.event() == null) {
            return new Refused(422, outcome.deadLetter().reason, outcome.deadLetter().detail);
        }
        CleanEvent event = outcome.event();
        Map<Integer, Long> offsets = feed.appliedOffsets();
        Map<String, Map<Integer, Long>> fed = feed.appliedFeatureSourceOffsets();
        List<ServingState.GroupAnswer> groups = state.featuresOf(event, event.eventTime);
        if (groups == null) {
            return tooOld(event.eventTime);
        }
        double[] vector = vectorOf(event, groups);
        CompiledSpec spec = state.spec();
        double[] onDemandValues = java.util.Arrays.copyOfRange(vector, spec.groupFeatureCount(), vector.length);
        ModelScorers scorers = models == null ? null : models.get();
        if (scorers == null) {
            return new Served(requestIds.next(), featureSetVersion, event.eventTime, event.eventId, groups, onDemandValues, offsets, fed,
                    null, null);
        }
        // Scored as of the event's own time, by the versions in force then: as its training row and the stream score it.
        ModelScorers.Score[] scores = new ModelScorers.Score[scorers.modelCount()];
        ModelScorers.Score[][] shadows = new ModelScorers.Score[scorers.modelCount()][];
        for (int m = 0; m < scores.length; m++) {
            scores[m] = scorers.primary(m, vector, event.eventTime);
            shadows[m] = scorers.shadows(m, vector, event.eventTime, event.eventId);
        }
        return new Served(requestIds.next(), featureSetVersion, event.eventTime, event.eventId, groups, onDemandValues, offsets, fed,
                scores, shadows);
    }

    /** One group's features for an entity key as the source has it, as of {@code at} (epoch millis or ISO-8601 text; null: now). */
    public Result entity(String group, String rawKey, String at) {
        Refused upstream = upstreamDown();
        if (upstream != null) {
            return upstream;
        }
        int index = state.groupIndex(group);
        if (index < 0) {
            return new Refused(404, "unknown_group", "no entity group '" + group + "' in spec " + state.spec().name);
        }
        if (rawKey == null || rawKey.isBlank()) {
            return new Refused(400, "missing_field", "give the entity's key as \"key\"");
        }
        long asOf;
        if (at == null) {
            asOf = clock.getAsLong();
        } else {
            var parsed = TimestampParser.parse(at);
            if (!parsed.isOk()) {
                return new Refused(400, "invalid_timestamp", "\"at\": " + parsed.reason());
            }
            if (TimestampParser.finerThanMillis(at)) {
                return new Refused(400, "invalid_timestamp", "\"at\" is finer than a millisecond: event times are whole milliseconds");
            }
            asOf = parsed.value();
        }
        String key;
        try {
            key = storedKey(state.spec().entities.get(index), rawKey);
        } catch (IllegalArgumentException invalid) {
            return new Refused(422, "invalid_key", invalid.getMessage());
        }
        Map<Integer, Long> offsets = feed.appliedOffsets();
        Map<String, Map<Integer, Long>> fed = feed.appliedFeatureSourceOffsets();
        ServingState.GroupAnswer answer = state.entity(index, key, asOf);
        if (answer == null) {
            return tooOld(asOf);
        }
        return new Served(requestIds.next(), featureSetVersion, asOf, null, List.of(answer), new double[0], offsets, fed, null, null);
    }

    /** A scored event's complete vector: every group's answer (in group order), then its on-demand features. */
    private double[] vectorOf(CleanEvent event, List<ServingState.GroupAnswer> groups) {
        CompiledSpec spec = state.spec();
        double[] vector = new double[spec.featureCount()];
        for (int g = 0; g < groups.size(); g++) {
            double[] values = groups.get(g).values();
            System.arraycopy(values, 0, vector, spec.entities.get(g).offset(), values.length);
        }
        if (!onDemand.isEmpty()) {
            onDemand.fill(event, vector);
        }
        return vector;
    }

    /** The key as ingestion stores it: cleaned, then pseudonymised or masked as the spec says. */
    private String storedKey(CompiledSpec.EntityGroup group, String raw) {
        return state.spec().keySourceField(group).map(field -> cleaners.get().storedValue(field, raw))
                .orElse(raw); // a derived key: stored as given
    }

    /** An answer that could miss events the topic holds is not given: 503, with why. */
    private Refused upstreamDown() {
        String reason = feed.unavailable();
        return reason == null ? null : new Refused(503, "upstream_unavailable", reason);
    }

    private Refused tooOld(long asOf) {
        return new Refused(409, "too_old", "the state no longer holds every event an answer as of " + TimestampParser.formatUtc(asOf)
                + " needs: it keeps " + state.lookbackMillis() + " ms of events beyond each group's longest window behind "
                + "the entity's newest event (serve --lookback)");
    }

    public boolean isReady() {
        return feed.isReady();
    }

    public boolean isHealthy() {
        return feed.isHealthy();
    }
}
