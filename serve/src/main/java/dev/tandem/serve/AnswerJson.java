package dev.tandem.serve;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import dev.tandem.model.ModelScorers;
import dev.tandem.spec.CompiledSpec;
import dev.tandem.udfs.logic.TimestampParser;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;

/**
 * Answers as JSON bytes, written once, token by token: for the client, and (with when it was
 * served) for the served-feature log.
 */
public final class AnswerJson {
    private static final JsonFactory JSON = JsonFactory.builder().enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER).build();

    private final CompiledSpec spec;
    private final Map<String, CompiledSpec.EntityGroup> groupsByName = new HashMap<>();

    public AnswerJson(CompiledSpec spec) {
        this.spec = spec;
        spec.entities.forEach(g -> groupsByName.put(g.name(), g));
    }

    /**
     * {@code request_id}, {@code feature_set_version}, {@code as_of}, the scored {@code event_id},
     * every feature by name ({@code features}, the on-demand ones of a scored event too; counts as
     * integers, no value as null), per group its key, its features and the newest event taken into
     * account, and the feed's {@code applied_offsets} (and each feature source's).
     */
    public byte[] bytes(FeatureService.Served served) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(2048);
        try (JsonGenerator json = JSON.createGenerator(out)) {
            write(served, json);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // writing to memory
        }
        return out.toByteArray();
    }

    private void write(FeatureService.Served served, JsonGenerator json) throws IOException {
        json.writeStartObject();
        json.writeStringField("request_id", served.requestId());
        json.writeStringField("feature_set_version", served.featureSetVersion());
        json.writeStringField("as_of", TimestampParser.formatUtc(served.asOf()));
        json.writeNumberField("as_of_ms", served.asOf());
        if (served.eventId() != null) {
            json.writeStringField("event_id", served.eventId());
        }
        json.writeObjectFieldStart("features");
        for (ServingState.GroupAnswer answer : served.groups()) {
            writeFeatures(groupsByName.get(answer.group()), answer.values(), json);
        }
        for (int i = 0; i < served.onDemand().length; i++) {
            writeNumber(spec.onDemand.get(i).name(), served.onDemand()[i], false, json);
        }
        json.writeEndObject();
        if (served.scores() != null) {
            json.writeObjectFieldStart("scores");
            for (int m = 0; m < served.scores().length; m++) {
                writeScore(spec.models.get(m).name(), served.scores()[m], json);
            }
            json.writeEndObject();
        }
        json.writeObjectFieldStart("groups");
        for (ServingState.GroupAnswer answer : served.groups()) {
            json.writeObjectFieldStart(answer.group());
            json.writeStringField("key", answer.key());
            if (answer.newestEventId() != null || answer.newestEventTime() != Long.MIN_VALUE) {
                json.writeObjectFieldStart("newest_event");
                json.writeStringField("id", answer.newestEventId());
                json.writeStringField("time", TimestampParser.formatUtc(answer.newestEventTime()));
                json.writeEndObject();
            } else {
                json.writeNullField("newest_event");
            }
            json.writeObjectFieldStart("features");
            writeFeatures(groupsByName.get(answer.group()), answer.values(), json);
            json.writeEndObject();
            json.writeEndObject();
        }
        json.writeEndObject();
        writeOffsets("applied_offsets", served.appliedOffsets(), json);
        if (!served.featureSourceOffsets().isEmpty()) {
            json.writeObjectFieldStart("applied_feature_source_offsets");
            for (Map.Entry<String, Map<Integer, Long>> topic : served.featureSourceOffsets().entrySet()) {
                writeOffsets(topic.getKey(), topic.getValue(), json);
            }
            json.writeEndObject();
        }
        json.writeEndObject();
    }

    /**
     * The shadow versions' scores of an answer, for the served log only ({@code ,"shadow_scores":{...}}:
     * a field to add to the answer's object); empty when it has none. Never part of the answer.
     */
    public byte[] shadowField(FeatureService.Served served) {
        if (served.shadows() == null || java.util.Arrays.stream(served.shadows()).allMatch(s -> s.length == 0)) {
            return new byte[0];
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            json.writeObjectFieldStart("shadow_scores");
            for (int m = 0; m < served.shadows().length; m++) {
                json.writeArrayFieldStart(spec.models.get(m).name());
                for (ModelScorers.Score s : served.shadows()[m]) {
                    json.writeStartObject();
                    json.writeNumberField("version", s.version());
                    json.writeNumberField("score", (double) s.score());
                    json.writeEndObject();
                }
                json.writeEndArray();
            }
            json.writeEndObject();
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] object = out.toByteArray(); // {"shadow_scores":{...}} becomes ,"shadow_scores":{...}
        byte[] field = java.util.Arrays.copyOf(object, object.length - 1);
        field[0] = ',';
        return field;
    }

    /** A model's primary score and the version that gave it; both null when no version was in force. */
    private static void writeScore(String model, ModelScorers.Score score, JsonGenerator json) throws IOException {
        json.writeObjectFieldStart(model);
        if (score.version() >= 0) {
            json.writeNumberField("version", score.version());
            json.writeNumberField("score", (double) score.score());
        } else {
            json.writeNullField("version");
            json.writeNullField("score");
        }
        json.writeEndObject();
    }

    private static void writeFeatures(CompiledSpec.EntityGroup group, double[] values, JsonGenerator json) throws IOException {
        for (int f = 0; f < group.features().size(); f++) {
            CompiledSpec.Feature feature = group.features().get(f);
            writeNumber(feature.name(), values[f], feature.agg().integral(), json);
        }
    }

    private static void writeNumber(String name, double v, boolean integral, JsonGenerator json) throws IOException {
        if (Double.isNaN(v)) {
            json.writeNullField(name);
        } else if (integral) {
            json.writeNumberField(name, (long) v);
        } else {
            json.writeNumberField(name, v);
        }
    }

    private static void writeOffsets(String name, Map<Integer, Long> offsets, JsonGenerator json) throws IOException {
        json.writeObjectFieldStart(name);
        for (Map.Entry<Integer, Long> e : offsets.entrySet()) {
            json.writeNumberField(String.valueOf(e.getKey()), e.getValue());
        }
        json.writeEndObject();
    }
}
