package dev.tandem.kafka;

import dev.tandem.ingest.DeadLetter;
import dev.tandem.ingest.Ingested;
import dev.tandem.ingest.Reasons;
import dev.tandem.ingest.RecordCleaner;
import dev.tandem.spec.CompiledSpec;
import dev.tandem.udfs.logic.CurrencyConverter;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Cleans each Kafka record where the source reads it, so its partition's watermark is made of
 * clean events only. Every record becomes an {@link Ingested}: a record without a value (a
 * tombstone) or one that is not UTF-8 text is a dead letter like any malformed record, never an
 * exception that would fail the source and restart the job forever. The partition is
 * {@code topic-N}; the event's ingest time is the record's append time.
 */
public final class CleaningDeserializer implements KafkaRecordDeserializationSchema<Ingested> {
    private static final long serialVersionUID = 1L;

    private final CompiledSpec spec;
    private final CompiledSpec.EventSource source;
    private final String piiSecret;
    private transient RecordCleaner cleaner;

    public CleaningDeserializer(CompiledSpec spec, String piiSecret) {
        this(spec, spec.rowSource(), piiSecret);
    }

    /** Records of one of the spec's sources (a feature source's too). */
    public CleaningDeserializer(CompiledSpec spec, CompiledSpec.EventSource source, String piiSecret) {
        this.spec = spec;
        this.source = source;
        this.piiSecret = piiSecret;
    }

    @Override
    public void open(DeserializationSchema.InitializationContext context) {
        cleaner = new RecordCleaner(spec, source, piiSecret, CurrencyConverter.defaultTable(), System::currentTimeMillis);
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<Ingested> out) {
        String partition = record.topic() + "-" + record.partition();
        if (record.value() == null) {
            out.collect(Ingested.refused(refusal("a record without a value (a tombstone)", record), partition)
                    .at(record.offset(), record.timestamp()));
            return;
        }
        String line;
        try {
            line = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(record.value())).toString();
        } catch (CharacterCodingException e) {
            out.collect(Ingested.refused(refusal("the record is not UTF-8 text: " + e.getMessage(), record), partition)
                    .at(record.offset(), record.timestamp()));
            return;
        }
        RecordCleaner.Outcome outcome = cleaner.clean(line);
        if (outcome.event() != null) {
            outcome.event().ingestTime = record.timestamp();
        }
        out.collect(Ingested.of(outcome, partition).at(record.offset(), record.timestamp()));
    }

    private static DeadLetter refusal(String detail, ConsumerRecord<byte[], byte[]> record) {
        return new DeadLetter(Reasons.STAGE_PARSE, Reasons.MALFORMED_JSON, detail + " at " + record.topic() + "-"
                + record.partition() + "@" + record.offset(), null, null, "");
    }

    @Override
    public TypeInformation<Ingested> getProducedType() {
        return TypeInformation.of(Ingested.class);
    }
}
