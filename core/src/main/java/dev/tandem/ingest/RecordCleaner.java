package dev.tandem.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tandem.spec.CompiledSpec;
import dev.tandem.spec.CompiledSpec.DerivedField;
import dev.tandem.spec.CompiledSpec.InputField;
import dev.tandem.spec.FieldType;
import dev.tandem.udfs.logic.AmountParser;
import dev.tandem.udfs.logic.CardNumbers;
import dev.tandem.udfs.logic.Cleaned;
import dev.tandem.udfs.logic.CountryNormalizer;
import dev.tandem.udfs.logic.CurrencyConverter;
import dev.tandem.udfs.logic.CurrencyNormalizer;
import dev.tandem.udfs.logic.EmailNormalizer;
import dev.tandem.udfs.logic.FeatureMath;
import dev.tandem.udfs.logic.Masking;
import dev.tandem.udfs.logic.Pseudonymizer;
import dev.tandem.udfs.logic.TimestampParser;
import java.util.Arrays;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Turns one raw JSON record into a {@link CleanEvent}, or says why not. Plain Java, no Flink:
 * the ingestion operator, the generator's self-check and the tests all call this one class.
 * Not thread-safe (it owns a MAC); one instance per task.
 */
public final class RecordCleaner {

    /** Dead letters keep at most this much of a raw record. */
    static final int MAX_RAW_CHARS = 65_536;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final CompiledSpec spec;
    /** The source whose records this cleaner reads: its fields, id and time. */
    private final CompiledSpec.EventSource source;
    private final Pseudonymizer pseudonymizer;
    private final CurrencyConverter converter;
    private final LongSupplier wallClock;
    private final int eventIdSlot;

    /** A cleaner of the spec's own source. */
    public RecordCleaner(CompiledSpec spec, String piiSecret, CurrencyConverter converter, LongSupplier wallClock) {
        this(spec, spec.rowSource(), piiSecret, converter, wallClock);
    }

    /** A cleaner of one of the spec's sources (its feature sources too): events in the spec's slot layout. */
    public RecordCleaner(CompiledSpec spec, CompiledSpec.EventSource source, String piiSecret, CurrencyConverter converter,
            LongSupplier wallClock) {
        this.spec = spec;
        this.source = source;
        this.eventIdSlot = source.inputFields().stream()
                .filter(f -> f.name().equals(source.eventIdField())).findFirst().orElseThrow().slot();
        this.pseudonymizer = new Pseudonymizer(piiSecret);
        this.converter = converter;
        this.wallClock = wallClock;
    }

    /** The source whose records this cleaner reads. */
    public CompiledSpec.EventSource source() {
        return source;
    }

    /** The outcome for one record: exactly one of {@code event} and {@code deadLetter} is set. */
    public record Outcome(CleanEvent event, DeadLetter deadLetter) {}

    /** A field refusal, carried out of the field loop. */
    private static final class Refusal extends Exception {
        final String reason;

        Refusal(String reason, String detail) {
            super(detail, null, false, false);
            this.reason = reason;
        }
    }

    /**
     * A raw value of a text field as ingestion stores it: cleaned, then pseudonymised or masked as
     * the spec says (how an erasure request names the entity it is about).
     */
    public String storedValue(InputField field, String raw) {
        try {
            return protect(field, readText(field, com.fasterxml.jackson.databind.node.TextNode.valueOf(raw)));
        } catch (Refusal e) {
            throw new IllegalArgumentException(e.getMessage());
        }
    }

    public Outcome clean(String line) {
        if (line == null) {
            return refuse(Reasons.MALFORMED_JSON, "empty record", null, null, "");
        }
        int maxBytes = source.maxRecordBytes();
        if (line.length() > maxBytes || (line.length() * 3L > maxBytes && utf8Length(line) > maxBytes)) {
            return refuse(Reasons.OVERSIZED, "record is larger than " + source.maxRecordBytes() + " bytes", null, null, line);
        }
        JsonNode root;
        try {
            root = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            return refuse(Reasons.MALFORMED_JSON, e.getOriginalMessage(), null, null, line);
        }
        if (root == null || !root.isObject()) {
            return refuse(Reasons.MALFORMED_JSON, "a record must be a JSON object", null, null, line);
        }
        return clean(root, line);
    }

    /** The UTF-8 size of a string, without encoding it (only long lines need it; see above). */
    private static long utf8Length(String s) {
        long bytes = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    /**
     * Cleans a record parsed once by its caller (a request body), with the bytes it took as sent:
     * the same refusals as {@link #clean(String)} (oversized, not an object), without parsing again.
     */
    public Outcome clean(JsonNode root, long recordBytes, Supplier<String> raw) {
        if (recordBytes > source.maxRecordBytes()) {
            return refuse(Reasons.OVERSIZED, "record is larger than " + source.maxRecordBytes() + " bytes", null, null, raw.get());
        }
        if (root == null || !root.isObject()) {
            return refuse(Reasons.MALFORMED_JSON, "a record must be a JSON object", null, null, raw.get());
        }
        return clean(root, raw);
    }

    /** Cleans an already parsed record. */
    public Outcome clean(JsonNode root, String raw) {
        return clean(root, () -> raw);
    }

    /**
     * Cleans a record given as a tree of its fields (a parsed JSON line, or a Parquet row's fields);
     * {@code raw} renders the record for a dead letter, only when it is refused.
     */
    public Outcome clean(JsonNode root, Supplier<String> raw) {
        try {
            return cleanFields(root, raw);
        } catch (RuntimeException bug) {
            // One record must never stop a pipeline: a failure of the cleaning code is that record's dead letter.
            return refuse(Reasons.CLEANING_FAILED, "the cleaner failed on this record: " + bug, textOrNull(root.get(source.eventIdField())),
                    null, raw);
        }
    }

    private Outcome cleanFields(JsonNode root, Supplier<String> raw) {
        String[] text = new String[spec.textSlots];
        double[] numbers = new double[spec.numberSlots];
        Arrays.fill(numbers, Double.NaN);
        String eventId = textOrNull(root.get(source.eventIdField()));
        try {
            for (InputField field : source.inputFields()) {
                readField(field, root.get(field.name()), text, numbers);
            }
            long eventTime = (long) numbers[source.eventTimeSlot()];
            if (eventTime > wallClock.getAsLong() + source.maxFutureMillis()) {
                return refuse(Reasons.FUTURE_TIMESTAMP, "event time " + TimestampParser.formatUtc(eventTime)
                        + " is beyond now + " + source.maxFutureMillis() + " ms", eventId, eventTime, raw);
            }
            for (DerivedField derived : source.derivedFields()) {
                numbers[derived.slot()] = derive(derived, text, numbers);
            }
            return new Outcome(new CleanEvent(text[eventIdSlot], eventTime, text, numbers), null);
        } catch (Refusal r) {
            return refuse(r.reason, r.getMessage(), eventId, null, raw);
        }
    }

    /**
     * The key-only cleaning path for a query row (a training spine's row, asked "features as of its
     * time", never an event): its time from {@code timeColumn}, the fields in {@code required} (its
     * entity keys) cleaned and protected as ingestion does, and any other field of the spec the row
     * happens to have, cleaned the same way (the request-time values of features such as
     * {@code value} or {@code distance_from_last}); fields it lacks stay "no value". No event id and
     * no future check: the caller names the row. A value that is there but does not clean is refused.
     */
    public Outcome cleanQuery(JsonNode row, String timeColumn, java.util.Set<String> required, Supplier<String> raw) {
        String[] text = new String[spec.textSlots];
        double[] numbers = new double[spec.numberSlots];
        Arrays.fill(numbers, Double.NaN);
        try {
            InputField timeField = source.inputFields().stream().filter(f -> f.name().equals(source.eventTimeField()))
                    .findFirst().orElseThrow();
            JsonNode time = row.get(timeColumn);
            if (isAbsent(timeField, time)) {
                throw new Refusal(Reasons.MISSING_FIELD, "column " + timeColumn + " (the row's time) is missing");
            }
            numbers[source.eventTimeSlot()] = readNumber(timeField, time);
            for (InputField field : source.inputFields()) {
                if (field == timeField || field.name().equals(source.eventIdField())) {
                    continue;
                }
                JsonNode node = row.get(field.name());
                if (isAbsent(field, node)) {
                    if (required.contains(field.name())) {
                        throw new Refusal(Reasons.MISSING_FIELD, "key column " + field.name() + " is missing");
                    }
                    continue;
                }
                readField(field, node, text, numbers);
            }
            for (DerivedField derived : source.derivedFields()) {
                numbers[derived.slot()] = derive(derived, text, numbers);
            }
            return new Outcome(new CleanEvent(null, (long) numbers[source.eventTimeSlot()], text, numbers), null);
        } catch (Refusal r) {
            return refuse(r.reason, r.getMessage(), null, null, raw);
        }
    }

    private void readField(InputField field, JsonNode node, String[] text, double[] numbers) throws Refusal {
        if (isAbsent(field, node)) {
            if (field.required()) {
                throw new Refusal(Reasons.MISSING_FIELD, "field " + field.name() + " is missing");
            }
            return;
        }
        if (node.isContainerNode()) {
            throw new Refusal(Reasons.WRONG_TYPE, "field " + field.name() + " is a JSON " + node.getNodeType().name().toLowerCase());
        }
        if (node.isTextual() && node.asText().length() > field.maxLength()) {
            throw new Refusal(Reasons.OVERSIZED, "field " + field.name() + " is longer than " + field.maxLength());
        }
        if (field.numeric()) {
            numbers[field.slot()] = readNumber(field, node);
            return;
        }
        String value = readText(field, node);
        if (field.slot() >= 0) {
            text[field.slot()] = protect(field, value);
        }
    }

    /** Null, absent, or (for plain text fields) blank. Cleaned fields report blank values themselves. */
    private static boolean isAbsent(InputField field, JsonNode node) {
        if (node == null || node.isNull()) {
            return true;
        }
        boolean plainText = field.clean() == CompiledSpec.Clean.NONE && !field.numeric();
        return plainText && node.isTextual() && node.asText().isBlank();
    }

    private double readNumber(InputField field, JsonNode node) throws Refusal {
        if (field.clean() == CompiledSpec.Clean.AMOUNT) {
            if (node.isNumber()) {
                return finite(field, node.doubleValue(), Reasons.INVALID_AMOUNT);
            }
            if (!node.isTextual()) {
                throw wrongType(field, node);
            }
            Cleaned<java.math.BigDecimal> amount = AmountParser.parse(node.asText());
            if (!amount.isOk()) {
                throw new Refusal(Reasons.INVALID_AMOUNT, "field " + field.name() + ": " + amount.reason());
            }
            return amount.value().doubleValue();
        }
        switch (field.type()) {
            case TIMESTAMP -> {
                Cleaned<Long> t;
                if (node.isIntegralNumber() && node.canConvertToLong()) {
                    t = TimestampParser.fromEpoch(node.longValue());
                } else if (node.isNumber()) {
                    t = TimestampParser.fromEpoch(node.doubleValue());
                } else if (node.isTextual()) {
                    t = TimestampParser.parse(node.asText());
                } else {
                    throw wrongType(field, node);
                }
                if (!t.isOk()) {
                    throw new Refusal(Reasons.INVALID_TIMESTAMP, "field " + field.name() + ": " + t.reason());
                }
                return t.value();
            }
            case BOOLEAN -> {
                if (node.isBoolean()) {
                    return node.booleanValue() ? 1 : 0;
                }
                String s = node.asText().strip().toLowerCase(java.util.Locale.ROOT);
                if (node.isTextual() && (s.equals("true") || s.equals("false"))) {
                    return s.equals("true") ? 1 : 0;
                }
                throw wrongType(field, node);
            }
            case LONG -> {
                return readLong(field, node);
            }
            default -> {
                if (node.isNumber()) {
                    return finite(field, node.doubleValue(), Reasons.WRONG_TYPE);
                }
                if (node.isTextual()) {
                    try {
                        return finite(field, Double.parseDouble(node.asText().strip()), Reasons.WRONG_TYPE);
                    } catch (NumberFormatException e) {
                        throw wrongType(field, node);
                    }
                }
                throw wrongType(field, node);
            }
        }
    }

    private static long readLong(InputField field, JsonNode node) throws Refusal {
        if (node.isIntegralNumber() && node.canConvertToLong()) {
            return node.longValue();
        }
        if (node.isTextual()) {
            try {
                return Long.parseLong(node.asText().strip());
            } catch (NumberFormatException e) {
                throw wrongType(field, node);
            }
        }
        throw wrongType(field, node);
    }

    private String readText(InputField field, JsonNode node) throws Refusal {
        if (!node.isTextual() && !node.isNumber()) {
            throw wrongType(field, node);
        }
        if (field.type() == FieldType.LONG) {
            return Long.toString(readLong(field, node)); // a numeric event id, exact and canonical ("007" is 7)
        }
        String raw = node.asText();
        Cleaned<String> cleaned = switch (field.clean()) {
            case CURRENCY -> CurrencyNormalizer.normalize(raw);
            case EMAIL -> EmailNormalizer.normalize(raw);
            case COUNTRY -> CountryNormalizer.normalize(raw);
            case CARD_NUMBER -> CardNumbers.clean(raw);
            default -> null;
        };
        if (cleaned == null) {
            return raw;
        }
        if (!cleaned.isOk()) {
            throw new Refusal(invalidReason(field.clean()), "field " + field.name() + ": " + cleaned.reason());
        }
        return cleaned.value();
    }

    private static String invalidReason(CompiledSpec.Clean clean) {
        return switch (clean) {
            case CURRENCY -> Reasons.INVALID_CURRENCY;
            case EMAIL -> Reasons.INVALID_EMAIL;
            case COUNTRY -> Reasons.INVALID_COUNTRY;
            case CARD_NUMBER -> Reasons.INVALID_CARD_NUMBER;
            default -> Reasons.WRONG_TYPE;
        };
    }

    private String protect(InputField field, String value) {
        return switch (field.pii()) {
            case HMAC -> pseudonymizer.pseudonymize(value);
            case MASK -> Masking.maskAllBut(value, 4);
            default -> value;
        };
    }

    private double derive(DerivedField d, String[] text, double[] numbers) throws Refusal {
        int[] a = d.argSlots();
        switch (d.fn()) {
            case "to_base_currency" -> {
                double amount = numbers[a[0]];
                String currency = text[a[1]];
                if (Double.isNaN(amount) || currency == null) {
                    return Double.NaN;
                }
                Cleaned<Double> converted = converter.toBase(amount, currency);
                if (!converted.isOk()) {
                    throw new Refusal(Reasons.UNKNOWN_RATE, "no rate from " + currency + " to " + converter.base());
                }
                return converted.value();
            }
            case "log1p" -> {
                return FeatureMath.log1p(numbers[a[0]]);
            }
            case "haversine_km" -> {
                return FeatureMath.haversineKm(numbers[a[0]], numbers[a[1]], numbers[a[2]], numbers[a[3]]);
            }
            default -> {
                double t = numbers[a[0]];
                if (Double.isNaN(t)) {
                    return Double.NaN;
                }
                long millis = (long) t;
                return switch (d.fn()) {
                    case "hour_sin" -> FeatureMath.hourOfDaySin(millis);
                    case "hour_cos" -> FeatureMath.hourOfDayCos(millis);
                    case "dow_sin" -> FeatureMath.dayOfWeekSin(millis);
                    default -> FeatureMath.dayOfWeekCos(millis);
                };
            }
        }
    }

    private static double finite(InputField field, double value, String reason) throws Refusal {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            throw new Refusal(reason, "field " + field.name() + " is not finite");
        }
        return value;
    }

    private static Refusal wrongType(InputField field, JsonNode node) {
        return new Refusal(Reasons.WRONG_TYPE, "field " + field.name() + " should be "
                + field.type().name().toLowerCase() + ", got JSON " + node.getNodeType().name().toLowerCase());
    }

    private static String textOrNull(JsonNode node) {
        return node != null && node.isValueNode() && !node.isNull() ? node.asText() : null;
    }

    private static Outcome refuse(String reason, String detail, String eventId, Long eventTime, Supplier<String> record) {
        return refuse(reason, detail, eventId, eventTime, record.get());
    }

    private static Outcome refuse(String reason, String detail, String eventId, Long eventTime, String raw) {
        String masked = Masking.maskFreeText(raw.length() > MAX_RAW_CHARS ? raw.substring(0, MAX_RAW_CHARS) : raw);
        return new Outcome(null, new DeadLetter(Reasons.STAGE_PARSE, reason, detail, eventId, eventTime, masked));
    }
}
