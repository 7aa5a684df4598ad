package dev.tandem.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.asof.EntityState;
import dev.tandem.asof.FeatureGroup;
import dev.tandem.job.DeadLetterJson;
import dev.tandem.job.ParquetRecords;
import dev.tandem.kafka.CleaningDeserializer;
import dev.tandem.spec.CompiledSpec;
import dev.tandem.spec.SpecCompiler;
import dev.tandem.udfs.logic.CurrencyConverter;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.api.common.functions.util.ListCollector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Fuzzed input through ingestion, from the Kafka deserializer on and from Parquet rows on: random
 * bytes, tombstones, invalid UTF-8, random unicode, random JSON (any shape, any depth, extreme
 * numbers and times) and valid transactions with one field made extreme. Every record becomes
 * exactly one clean event or one dead letter with a known reason; no exception escapes the
 * deserializer, the cleaner, the dead-letter writer or the as-of engine that reads the events.
 */
class IngestionFuzzTest {
    private static final CompiledSpec SPEC = SpecCompiler.load(null);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String VALID = """
            {"txn_id":"t1","ts":"2025-01-01T00:01:36.462Z","card_number":"5556386890942865","amount":"200.36","currency":"EUR",\
            "merchant_id":"m000011","merchant_category":"travel","lat":52.4784,"lon":13.3883,"country":"DE",\
            "email":"holder45@example.com","channel":"online"}""";

    @Property(tries = 3000)
    void everyKafkaRecordIsOneEventOrOneDeadLetter(@ForAll("kafkaValues") byte[] value) throws Exception {
        CleaningDeserializer deserializer = new CleaningDeserializer(SPEC, "fuzz-secret");
        deserializer.open(null);
        List<Ingested> out = new ArrayList<>();
        deserializer.deserialize(new ConsumerRecord<>("transactions", 3, 42L, null, value), new ListCollector<>(out));
        assertThat(out).hasSize(1);
        assertThat(out.get(0).partition).isEqualTo("transactions-3");
        assertThat(out.get(0).offset).isEqualTo(42L);
        assertAccountedFor(out.get(0));
    }

    @Property(tries = 2000)
    void everyParquetRowIsOneEventOrOneDeadLetter(@ForAll("parquetRows") GenericRecord row) throws Exception {
        RecordCleaner cleaner = new RecordCleaner(SPEC, "fuzz-secret", CurrencyConverter.defaultTable(), System::currentTimeMillis);
        RecordCleaner.Outcome outcome = new ParquetRecords(SPEC).clean(cleaner, row);
        assertAccountedFor(Ingested.of(outcome, "rows.parquet"));
    }

    /**
     * A JSON-lines file of such records (random bytes, invalid UTF-8, stray carriage returns and a
     * byte-order mark included) and Parquet files of random rows (each file with its own random
     * column types), through the batch job end to end: input = feature rows + dead letters, counted
     * from the files themselves.
     */
    @Example
    void fuzzedFilesAreAccountedForEndToEnd() throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("fuzz");
        try (var out = java.nio.file.Files.newOutputStream(dir.resolve("fuzz.jsonl"))) {
            out.write(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
            kafkaValues().sampleStream().limit(3_000).forEach(value -> {
                try {
                    out.write(value == null ? new byte[0] : value);
                    out.write('\n');
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
        }
        dev.tandem.job.RunSummary json = dev.tandem.job.FeatureRuns.run("batch", dir.resolve("fuzz.jsonl"), dir.resolve("out-json"), SPEC);
        assertThat(json.accountedFor()).as(json.render()).isTrue();
        assertThat(json.inputRecords()).isGreaterThanOrEqualTo(3_000);

        java.nio.file.Path parquet = java.nio.file.Files.createDirectories(dir.resolve("parquet"));
        long rows = 0;
        for (int file = 0; file < 4; file++) {
            rows += writeParquet(parquet.resolve("fuzz-" + file + ".parquet"), 500);
        }
        CompiledSpec parquetSpec = SpecCompiler.compile(flagshipYaml().replace("  format: json\n  files: \"transactions*.jsonl\"",
                "  format: parquet\n  files: \"*.parquet\""), "card-fraud-parquet.yaml");
        assertThat(parquetSpec.format).isEqualTo("parquet");
        dev.tandem.job.RunSummary fromParquet = dev.tandem.job.FeatureRuns.run("batch", parquet, dir.resolve("out-parquet"), parquetSpec);
        assertThat(fromParquet.accountedFor()).as(fromParquet.render()).isTrue();
        assertThat(fromParquet.inputRecords()).isEqualTo(rows);
    }

    private static String flagshipYaml() throws java.io.IOException {
        try (var in = SpecCompiler.class.getResourceAsStream(SpecCompiler.DEFAULT_SPEC_RESOURCE)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /**
     * A Parquet file of {@code rows} random rows: one file has one schema, so each spec field gets a
     * random Parquet type (or is left out) for the whole file, and each row a random value of that
     * type, null included.
     */
    private long writeParquet(java.nio.file.Path file, int rows) throws java.io.IOException {
        List<String> fields = SPEC.inputFields.stream().map(CompiledSpec.InputField::name).toList();
        GenericRecord template = parquetRows().sample();
        Schema schema = template.getSchema();
        try (org.apache.parquet.hadoop.ParquetWriter<GenericRecord> writer = org.apache.parquet.avro.AvroParquetWriter
                .<GenericRecord>builder(new org.apache.parquet.io.LocalOutputFile(file)).withSchema(schema)
                .withConf(new org.apache.parquet.conf.PlainParquetConfiguration()).build()) {
            for (int i = 0; i < rows; i++) {
                GenericRecord row = new GenericData.Record(schema);
                for (Schema.Field field : schema.getFields()) {
                    Schema.Type type = field.schema().getTypes().get(1).getType();
                    row.put(field.name(), valueOf(type).sample());
                }
                writer.write(row);
            }
        }
        assertThat(fields).containsAll(schema.getFields().stream().map(Schema.Field::name).toList());
        return rows;
    }

    /** A random value of a Parquet column's type, or null. */
    private Arbitrary<Object> valueOf(Schema.Type type) {
        return parquetValue().filter(v -> v == NULL || (v != MISSING && typeOf(v).getType() == type)).map(v -> v == NULL ? null : v);
    }

    /** Exactly one of event and dead letter; a dead letter with a known reason that can be written; an event the engine can read. */
    static void assertAccountedFor(Ingested record) throws Exception {
        assertThat(record.event == null).as("exactly one of event and dead letter").isNotEqualTo(record.deadLetter == null);
        if (record.deadLetter != null) {
            assertThat(Reasons.ALL).contains(record.deadLetter.reason);
            JsonNode written = JSON.readTree(new DeadLetterJson().map(record.deadLetter));
            assertThat(written.path("reason").asText()).isEqualTo(record.deadLetter.reason);
            return;
        }
        CleanEvent event = record.event;
        assertThat(event.eventId).isNotBlank();
        JsonNode rendered = JSON.readTree(CleanEventJson.render(event));
        assertThat(rendered.toString()).as("the event as the jobs write it").contains(JSON.writeValueAsString(event.eventId));
        for (int g = 0; g < SPEC.entities.size(); g++) {
            assertThat(event.text[SPEC.entities.get(g).keySlot()]).as("entity key").isNotNull();
            FeatureGroup group = FeatureGroup.of(SPEC, g);
            EntityState state = group.newState();
            double[] values = new double[group.featureCount()];
            assertThat(group.featuresAsOf(state, event.eventTime, event, values)).isTrue();
            group.advanceTo(state, event.eventTime);
            group.add(state, event);
            assertThat(group.featuresAsOf(state, event.eventTime + 1, event, values)).isTrue();
        }
    }

    @Provide
    Arbitrary<byte[]> kafkaValues() {
        return Arbitraries.oneOf(
                Arbitraries.bytes().array(byte[].class).ofMaxSize(600),
                Arbitraries.just((byte[]) null),
                Arbitraries.strings().all().ofMaxLength(300).map(s -> s.getBytes(StandardCharsets.UTF_8)),
                jsonValue(3).map(IngestionFuzzTest::bytes),
                transactionWithRandomFields().map(IngestionFuzzTest::bytes),
                validWithOneExtremeField().map(IngestionFuzzTest::bytes),
                Arbitraries.integers().between(1, 40).map(n -> (VALID + " ".repeat(n * 1000)).getBytes(StandardCharsets.UTF_8)),
                Arbitraries.integers().between(50, 3000).map(depth -> ("[".repeat(depth) + "]".repeat(depth)).getBytes(StandardCharsets.UTF_8)));
    }

    private static byte[] bytes(JsonNode node) {
        return node.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The spec's fields, each present or not, with random values of any type. */
    private Arbitrary<JsonNode> transactionWithRandomFields() {
        List<String> fields = SPEC.inputFields.stream().map(CompiledSpec.InputField::name).toList();
        return jsonValue(1).list().ofSize(fields.size()).flatMap(values -> Arbitraries.integers().between(0, (1 << fields.size()) - 1)
                .map(present -> {
                    ObjectNode node = NODES.objectNode();
                    for (int i = 0; i < fields.size(); i++) {
                        if ((present & (1 << i)) != 0) {
                            node.set(fields.get(i), values.get(i));
                        }
                    }
                    return node;
                }));
    }

    /** A valid transaction with one field replaced by an extreme, odd or wrongly typed value. */
    private Arbitrary<JsonNode> validWithOneExtremeField() {
        List<String> fields = SPEC.inputFields.stream().map(CompiledSpec.InputField::name).toList();
        return Combinators.combine(Arbitraries.of(fields), extreme()).as((field, value) -> {
            try {
                ObjectNode node = (ObjectNode) JSON.readTree(VALID);
                node.set(field, value);
                return node;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private Arbitrary<JsonNode> extreme() {
        return Arbitraries.oneOf(
                Arbitraries.of(Long.MIN_VALUE, Long.MAX_VALUE, 0L, -1L, 253402300800000L, -62135596800000L, 99999999999999999L)
                        .map(NODES::numberNode),
                Arbitraries.of(Double.MAX_VALUE, -Double.MAX_VALUE, Double.MIN_VALUE, -0.0, 1e-300, 9.999999999999999e22)
                        .map(NODES::numberNode),
                Arbitraries.of("1e400", "-1e400", "123456789012345678901234567890.5", "0.0000000000000000000001")
                        .map(s -> (JsonNode) NODES.numberNode(new BigDecimal(s))),
                Arbitraries.of("NaN", "Infinity", "-Infinity", "", " ", "0000-01-01T00:00:00Z", "+999999999-12-31T23:59:59Z",
                        "2025-02-30T00:00:00Z", "1e400", "1.234,50 EUR", "€", "\u0000", "\uD800", "\uFEFF2025-01-01T00:00:00Z",
                        "9".repeat(400), "4111 1111 1111 1111 1111 1111", "a@b", "@@", "x".repeat(20_000))
                        .map(NODES::textNode),
                Arbitraries.strings().all().ofMaxLength(64).map(NODES::textNode),
                Arbitraries.just(NODES.nullNode()),
                Arbitraries.just(NODES.arrayNode().add(1).add("x")),
                Arbitraries.just((JsonNode) NODES.objectNode().put("nested", true)),
                Arbitraries.just(NODES.booleanNode(true)),
                Arbitraries.just(NODES.binaryNode(new byte[] {0, -1, 127})));
    }

    /** Any JSON value up to {@code depth} levels of nesting. */
    private Arbitrary<JsonNode> jsonValue(int depth) {
        Arbitrary<JsonNode> leaf = Arbitraries.oneOf(extreme(), Arbitraries.longs().map(NODES::numberNode),
                Arbitraries.doubles().map(NODES::numberNode), Arbitraries.strings().ofMaxLength(20).map(NODES::textNode));
        if (depth == 0) {
            return leaf;
        }
        Arbitrary<JsonNode> array = jsonValue(depth - 1).list().ofMaxSize(4).map(items -> {
            var node = NODES.arrayNode();
            items.forEach(node::add);
            return node;
        });
        Arbitrary<JsonNode> object = Combinators.combine(Arbitraries.strings().all().ofMaxLength(12).list().ofMaxSize(4),
                jsonValue(depth - 1).list().ofSize(4)).as((keys, values) -> {
                    ObjectNode node = NODES.objectNode();
                    for (int i = 0; i < keys.size(); i++) {
                        node.set(keys.get(i), values.get(i));
                    }
                    return node;
                });
        return Arbitraries.oneOf(leaf, array, object);
    }

    /** Rows whose every field has a random Parquet type (text, integer, double, boolean, bytes) or is missing or null. */
    @Provide
    Arbitrary<GenericRecord> parquetRows() {
        List<String> fields = SPEC.inputFields.stream().map(CompiledSpec.InputField::name).toList();
        return parquetValue().list().ofSize(fields.size()).map(values -> {
            SchemaBuilder.FieldAssembler<Schema> schema = SchemaBuilder.record("row").fields();
            for (int i = 0; i < fields.size(); i++) {
                if (values.get(i) != MISSING) {
                    schema = schema.name(fields.get(i)).type(Schema.createUnion(Schema.create(Schema.Type.NULL), typeOf(values.get(i))))
                            .withDefault(null);
                }
            }
            GenericRecord row = new GenericData.Record(schema.endRecord());
            for (int i = 0; i < fields.size(); i++) {
                if (values.get(i) != MISSING) {
                    row.put(fields.get(i), values.get(i) == NULL ? null : values.get(i));
                }
            }
            return row;
        });
    }

    private static final Object MISSING = new Object();
    private static final Object NULL = new Object();

    private Arbitrary<Object> parquetValue() {
        return Arbitraries.oneOf(
                Arbitraries.just(MISSING), Arbitraries.just(NULL),
                Arbitraries.strings().all().ofMaxLength(40).map(s -> (Object) s),
                Arbitraries.of("2025-01-01T00:00:00Z", "5556386890942865", "200.36", "EUR", "DE", "a@example.com").map(s -> (Object) s),
                Arbitraries.longs().map(l -> (Object) l),
                Arbitraries.of(Long.MIN_VALUE, Long.MAX_VALUE, 1735689600000L, 1735689600000000L, 1735689600000000000L).map(l -> (Object) l),
                Arbitraries.doubles().map(d -> (Object) d),
                Arbitraries.of(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0).map(d -> (Object) d),
                Arbitraries.of(true, false).map(b -> (Object) b),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(16).map(b -> (Object) ByteBuffer.wrap(b)));
    }

    private static Schema typeOf(Object value) {
        if (value instanceof String || value == NULL) {
            return Schema.create(Schema.Type.STRING);
        }
        if (value instanceof Long) {
            return Schema.create(Schema.Type.LONG);
        }
        if (value instanceof Double) {
            return Schema.create(Schema.Type.DOUBLE);
        }
        if (value instanceof Boolean) {
            return Schema.create(Schema.Type.BOOLEAN);
        }
        return Schema.create(Schema.Type.BYTES);
    }
}
