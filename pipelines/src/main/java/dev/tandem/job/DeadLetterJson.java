package dev.tandem.job;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import dev.tandem.ingest.DeadLetter;
import org.apache.flink.api.common.functions.MapFunction;

/** A dead letter as one JSON line (snake_case keys). */
public final class DeadLetterJson implements MapFunction<DeadLetter, String> {
    static final ObjectMapper JSON = new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

    @Override
    public String map(DeadLetter deadLetter) throws JsonProcessingException {
        return JSON.writeValueAsString(deadLetter);
    }
}
