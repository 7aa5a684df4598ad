package dev.tandem.scoring;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.tandem.spec.CompiledSpec;
import dev.tandem.store.OnlineStoreSchema;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;

/** A prediction as the predictions topic carries it: event, model, version, score, shadow or not, feature set. */
public final class PredictionJson implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final JsonFactory JSON = new JsonFactory();

    private final boolean numericIds;
    private final String featureSetVersion;

    public PredictionJson(CompiledSpec spec) {
        this.numericIds = spec.eventIdOrder.numeric();
        this.featureSetVersion = OnlineStoreSchema.featureSetVersion(spec);
    }

    public byte[] toBytes(Prediction p) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream(192);
        try (JsonGenerator json = JSON.createGenerator(buffer)) {
            json.writeStartObject();
            if (numericIds) {
                json.writeNumberField("event_id", Long.parseLong(p.eventId));
            } else {
                json.writeStringField("event_id", p.eventId);
            }
            json.writeNumberField("event_time", p.eventTime);
            json.writeStringField("model", p.model);
            json.writeNumberField("version", p.version);
            json.writeNumberField("score", p.score);
            json.writeStringField("role", p.shadow ? "shadow" : "primary");
            json.writeStringField("feature_set_version", featureSetVersion);
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return buffer.toByteArray();
    }
}
