package dev.tandem.job;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import dev.tandem.ingest.DeadLetter;
import java.io.IOException;
import java.io.OutputStream;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.serialization.Encoder;

/** A dead letter as one JSON line (snake_case keys): a map to text, or a file sink's encoder. */
public final class DeadLetterJson implements MapFunction<DeadLetter, String>, Encoder<DeadLetter> {
    static final ObjectMapper JSON = new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

    @Override
    public String map(DeadLetter deadLetter) throws JsonProcessingException {
        return JSON.writeValueAsString(deadLetter);
    }

    @Override
    public void encode(DeadLetter deadLetter, OutputStream stream) throws IOException {
        stream.write(JSON.writeValueAsBytes(deadLetter));
        stream.write('\n');
    }
}
