package dev.tandem.serve;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.spec.CompiledSpec;
import dev.tandem.udfs.logic.TimestampParser;
import java.util.Map;

/** Answers as JSON: for the client, and (with when it was served) for the served-feature log. */
public final class AnswerJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final CompiledSpec spec;

    public AnswerJson(CompiledSpec spec) {
        this.spec = spec;
    }

    /**
     * {@code request_id}, {@code feature_set_version}, {@code as_of}, the scored {@code event_id},
     * every feature by name ({@code features}, the on-demand ones of a scored event too; counts as
     * integers, no value as null), per group its
     * key and the newest event taken into account, and the feed's {@code applied_offsets}.
     */
    public ObjectNode render(FeatureService.Served served) {
        ObjectNode root = JSON.createObjectNode();
        root.put("request_id", served.requestId());
        root.put("feature_set_version", served.featureSetVersion());
        root.put("as_of", TimestampParser.formatUtc(served.asOf()));
        root.put("as_of_ms", served.asOf());
        if (served.eventId() != null) {
            root.put("event_id", served.eventId());
        }
        ObjectNode features = root.putObject("features");
        ObjectNode groups = root.putObject("groups");
        for (ServingState.GroupAnswer answer : served.groups()) {
            CompiledSpec.EntityGroup group = spec.entities.stream().filter(g -> g.name().equals(answer.group())).findFirst().orElseThrow();
            ObjectNode g = groups.putObject(answer.group());
            g.put("key", answer.key());
            if (answer.newestEventId() != null || answer.newestEventTime() != Long.MIN_VALUE) {
                ObjectNode newest = g.putObject("newest_event");
                newest.put("id", answer.newestEventId());
                newest.put("time", TimestampParser.formatUtc(answer.newestEventTime()));
            } else {
                g.putNull("newest_event");
            }
            ObjectNode own = g.putObject("features");
            for (int f = 0; f < group.features().size(); f++) {
                CompiledSpec.Feature feature = group.features().get(f);
                double v = answer.values()[f];
                if (Double.isNaN(v)) {
                    own.putNull(feature.name());
                    features.putNull(feature.name());
                } else if (feature.agg().integral()) {
                    own.put(feature.name(), (long) v);
                    features.put(feature.name(), (long) v);
                } else {
                    own.put(feature.name(), v);
                    features.put(feature.name(), v);
                }
            }
        }
        for (int i = 0; i < served.onDemand().length; i++) {
            String name = spec.onDemand.get(i).name();
            double v = served.onDemand()[i];
            if (Double.isNaN(v)) {
                features.putNull(name);
            } else {
                features.put(name, v);
            }
        }
        ObjectNode offsets = root.putObject("applied_offsets");
        for (Map.Entry<Integer, Long> e : served.appliedOffsets().entrySet()) {
            offsets.put(String.valueOf(e.getKey()), e.getValue());
        }
        if (!served.featureSourceOffsets().isEmpty()) {
            ObjectNode fed = root.putObject("applied_feature_source_offsets");
            served.featureSourceOffsets().forEach((topic, partitions) -> {
                ObjectNode t = fed.putObject(topic);
                partitions.forEach((p, o) -> t.put(String.valueOf(p), o));
            });
        }
        return root;
    }
}
