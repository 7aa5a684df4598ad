package dev.tandem.generate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.ingest.LatenessGate;
import dev.tandem.ingest.Reasons;
import dev.tandem.spec.CompiledSpec;
import dev.tandem.udfs.logic.CurrencyConverter;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Writes a deterministic, dirty history of card transactions as JSON lines, the chargeback labels
 * that follow them, and a manifest of what was injected. Streams to disk: memory holds the cast
 * (cards, merchants), fraud episodes and labels in flight, and a few pending duplicates.
 *
 * <p>Whether a duplicate or a displaced record is refused as late depends on the records before it
 * in its partition, so the generator runs the pipeline's own {@link LatenessGate} over each
 * partition it writes and records the exact number of dead letters per reason a correct pipeline
 * must produce.
 */
public final class Generator {
    /** The manifest of a history generated earlier. */
    public static Manifest readManifest(Path history) throws IOException {
        return MANIFEST_JSON.readValue(history.resolve(MANIFEST_FILE).toFile(), Manifest.class);
    }

    /** The transactions of a history in one partition; with {@code --partitions N}, {@code transactions-00.jsonl} and on. */
    public static final String TRANSACTIONS_FILE = "transactions.jsonl";
    public static final String LABELS_FILE = "labels.jsonl";
    public static final String MANIFEST_FILE = "manifest.json";
    public static final Instant DEFAULT_START = Instant.parse("2025-01-01T00:00:00Z");

    static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper MANIFEST_JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT);
    private static final DateTimeFormatter SPACED = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS").withZone(ZoneOffset.UTC);
    private static final long DAY = 86_400_000L;
    private static final DirtyKind[] KINDS = DirtyKind.values();

    /**
     * What to generate. {@code partitions}: how many files the transactions are split into, each a
     * partition whose order defines lateness, a record's file chosen as Kafka's default partitioner
     * chooses a partition for its key (the spec's {@code partition_key}), so a replay of file i into
     * partition i of a topic is the same input.
     */
    public record Options(Path out, long events, long seed, double dirtyRate, Instant start, Instant driftAt, int partitions) {
        public Options(Path out, long events, long seed, double dirtyRate, Instant start) {
            this(out, events, seed, dirtyRate, start, null, 1);
        }

        public Options(Path out, long events, long seed, double dirtyRate, Instant start, Instant driftAt) {
            this(out, events, seed, dirtyRate, start, driftAt, 1);
        }
    }

    /** The transaction files of a history, partition 0 first. */
    public static java.util.List<Path> transactionFiles(Path history) throws IOException {
        try (java.util.stream.Stream<Path> files = Files.list(history)) {
            return files.filter(f -> f.getFileName().toString().matches("transactions(-\\d+)?\\.jsonl")).sorted().toList();
        }
    }

    /** The file of partition {@code i} of {@code n}. */
    static String transactionFile(int i, int n) {
        return n == 1 ? TRANSACTIONS_FILE : String.format("transactions-%02d.jsonl", i);
    }

    /** Kafka's default partitioner: murmur2 of the key's UTF-8 bytes, made positive, modulo the partitions. */
    public static int partitionOf(String key, int partitions) {
        byte[] bytes = (key == null ? "" : key).getBytes(StandardCharsets.UTF_8);
        return org.apache.kafka.common.utils.Utils.toPositive(org.apache.kafka.common.utils.Utils.murmur2(bytes)) % partitions;
    }

    /** One partition being written: its file and the lateness rule over its order. */
    private final class Partition {
        final Writer out;
        final LatenessGate gate = new LatenessGate(spec.maxOutOfOrdernessMillis);

        Partition(Writer out) {
            this.out = out;
        }
    }

    /**
     * From {@code --drift-at} on, every amount is this many times larger: a shift in the spend
     * distribution (a new market, a currency bug upstream) for drift detection to catch. The random
     * stream is untouched, so the history before the drift equals an undrifted run's.
     */
    public static final double DRIFT_AMOUNT_FACTOR = 3.0;
    /**
     * Issuers decline a few honest payments (limits, typos) and many fraudulent ones (risk rules),
     * large amounts more often.
     */
    static final double DECLINE_RATE = 0.03;
    static final double FRAUD_DECLINE_RATE = 0.30;
    static final double LARGE_AMOUNT_USD = 1_000;
    static final double LARGE_DECLINE_RATE = 0.05;
    /** The authorisation outcomes draw from their own stream, so the rest of a seed's history stays as it was. */
    private static final long OUTCOME_STREAM = 0x5EED_0DEC_11E5L;

    private record Label(long time, String txnId, String reason) {}

    private record PendingCopy(long dueLine, String line, long time, int partition) {}

    private final Options options;
    private final CompiledSpec spec;
    private final SplittableRandom random;
    private final SplittableRandom outcomes;
    private final World world;
    private final CurrencyConverter rates = CurrencyConverter.defaultTable();
    private final String partitionKey;
    private Partition[] partitions;
    private final Map<DirtyKind, Long> injected = new EnumMap<>(DirtyKind.class);
    private final Map<String, Long> expectedDeadLetters = new TreeMap<>();
    private final PriorityQueue<Label> labels = new PriorityQueue<>((a, b) -> Long.compare(a.time(), b.time()));
    private final ArrayDeque<PendingCopy> copies = new ArrayDeque<>();
    private long linesWritten;
    private long expectedValid;
    private long fraudTransactions;
    private long labelsWritten;

    /** @param spec the spec the history is for: its lateness bound and record size limit decide the outcomes. */
    public Generator(Options options, CompiledSpec spec) {
        this.options = options;
        this.spec = spec;
        this.random = new SplittableRandom(options.seed());
        this.outcomes = new SplittableRandom(options.seed() ^ OUTCOME_STREAM);
        int cards = (int) Math.max(100, options.events() / 40);
        int merchants = (int) Math.max(40, options.events() / 400);
        this.world = new World(random, cards, merchants);
        this.partitionKey = spec.partitionKey != null ? spec.partitionKey : spec.eventIdField;
        if (options.partitions() < 1) {
            throw new IllegalArgumentException("at least one partition is needed");
        }
    }

    private Transaction drifted(Transaction tx) {
        if (options.driftAt() == null || tx.time() < options.driftAt().toEpochMilli()) {
            return tx;
        }
        return new Transaction(tx.time(), tx.card(), tx.merchant(), tx.amountUsd() * DRIFT_AMOUNT_FACTOR, tx.lat(), tx.lon(),
                tx.fraudPattern());
    }

    public Manifest run() throws IOException {
        Files.createDirectories(options.out());
        // At least 20k events a day, and never more than a year of history (it must stay in the past).
        double perDay = Math.max(20_000, options.events() / 365.0);
        TransactionStream stream = new TransactionStream(random, world, options.start().toEpochMilli(), perDay);
        long last = options.start().toEpochMilli();
        partitions = new Partition[options.partitions()];
        try (Writer labelOut = writer(LABELS_FILE)) {
            for (int p = 0; p < partitions.length; p++) {
                partitions[p] = new Partition(writer(transactionFile(p, partitions.length)));
            }
            for (long i = 0; i < options.events(); i++) {
                Transaction tx = drifted(stream.next());
                last = tx.time();
                String txnId = String.format("t%010d", i);
                scheduleLabel(tx, txnId);
                flushLabels(labelOut, tx.time());
                write(tx, txnId);
                flushCopies(false);
            }
            flushCopies(true);
            flushLabels(labelOut, Long.MAX_VALUE);
        } finally {
            for (Partition p : partitions) {
                if (p != null) {
                    p.out.close();
                }
            }
        }
        Manifest manifest = manifest(last);
        MANIFEST_JSON.writeValue(options.out().resolve(MANIFEST_FILE).toFile(), manifest);
        return manifest;
    }

    private Writer writer(String name) throws IOException {
        return new BufferedWriter(Files.newBufferedWriter(options.out().resolve(name), StandardCharsets.UTF_8), 1 << 16);
    }

    private void write(Transaction tx, String txnId) throws IOException {
        ObjectNode record = cleanRecord(tx, txnId);
        int partition = partitionOf(record.path(partitionKey).asText(null), partitions.length);
        Partition out = partitions[partition];
        DirtyKind kind = random.nextDouble() < options.dirtyRate() ? KINDS[random.nextInt(KINDS.length)] : null;
        if (kind == null) {
            emit(out, JSON.writeValueAsString(record), tx.time(), false);
            return;
        }
        injected.merge(kind, 1L, Long::sum);
        long time = tx.time();
        switch (kind) {
            case DUPLICATE -> {
                String line = JSON.writeValueAsString(record);
                emit(out, line, time, false);
                copies.add(new PendingCopy(linesWritten + 1 + random.nextInt(5), line, time, partition));
                return;
            }
            case OUT_OF_ORDER, LATE -> {
                long newest = out.gate.newest() == Long.MIN_VALUE ? time : out.gate.newest();
                long bound = spec.maxOutOfOrdernessMillis;
                time = kind == DirtyKind.OUT_OF_ORDER
                        ? newest - 1 - (long) (random.nextDouble() * (bound - 1))
                        : newest - bound - 1 - (long) (random.nextDouble() * 2 * 3_600_000L);
                record.put("ts", Instant.ofEpochMilli(time).toString());
            }
            case MALFORMED_JSON -> { } // cut in half below
            default -> dirty(kind, record);
        }
        String line = kind == DirtyKind.MALFORMED_JSON ? malformed(record) : JSON.writeValueAsString(record);
        if (!kind.passesParsing()) {
            expectedDeadLetters.merge(kind.expectedReason, 1L, Long::sum);
            out.out.write(line);
            out.out.write('\n');
            linesWritten++;
            return;
        }
        emit(out, line, time, false);
    }

    /** Writes a line that passes parsing, and settles its fate with its partition's lateness rule. */
    private void emit(Partition out, String line, long time, boolean isCopy) throws IOException {
        out.out.write(line);
        out.out.write('\n');
        linesWritten++;
        if (!out.gate.admit(time)) {
            expectedDeadLetters.merge(Reasons.LATE, 1L, Long::sum);
        } else if (isCopy) {
            expectedDeadLetters.merge(Reasons.DUPLICATE, 1L, Long::sum);
        } else {
            expectedValid++;
        }
    }

    private void flushCopies(boolean all) throws IOException {
        while (!copies.isEmpty() && (all || copies.peek().dueLine() <= linesWritten)) {
            PendingCopy copy = copies.poll();
            emit(partitions[copy.partition()], copy.line(), copy.time(), true);
        }
    }

    private ObjectNode cleanRecord(Transaction tx, String txnId) {
        World.Card card = world.cards[tx.card()];
        World.Merchant merchant = world.merchants[tx.merchant()];
        String currency = card.home().currency();
        ObjectNode r = JSON.createObjectNode();
        r.put("txn_id", txnId);
        r.put("ts", Instant.ofEpochMilli(tx.time()).toString());
        r.put("card_number", card.number());
        r.put("amount", localAmount(tx.amountUsd(), currency).toPlainString());
        r.put("currency", currency);
        r.put("merchant_id", merchant.id());
        r.put("merchant_category", merchant.category());
        r.put("lat", tx.lat());
        r.put("lon", tx.lon());
        r.put("country", card.home().country());
        r.put("email", card.email());
        r.put("channel", merchant.online() ? "online" : "pos");
        r.put("status", declined(tx) ? "declined" : "approved");
        return r;
    }

    private boolean declined(Transaction tx) {
        double rate = tx.fraud() ? FRAUD_DECLINE_RATE : DECLINE_RATE;
        if (tx.amountUsd() > LARGE_AMOUNT_USD) {
            rate += LARGE_DECLINE_RATE;
        }
        return outcomes.nextDouble() < rate;
    }

    private BigDecimal localAmount(double usd, String currency) {
        double perUnit = rates.toBase(1.0, currency).value();
        int scale = currency.equals("JPY") ? 0 : 2;
        return BigDecimal.valueOf(Math.max(usd / perUnit, 0.01)).setScale(scale, RoundingMode.HALF_UP);
    }

    /** Makes a clean record dirty in place. */
    private void dirty(DirtyKind kind, ObjectNode r) {
        switch (kind) {
            case MISSING_FIELD -> {
                String[] required = spec.inputFields.stream().filter(CompiledSpec.InputField::required)
                        .map(CompiledSpec.InputField::name).toArray(String[]::new);
                r.remove(required[random.nextInt(required.length)]);
            }
            case WRONG_TYPE -> {
                switch (random.nextInt(3)) {
                    case 0 -> r.put("lat", "north");
                    case 1 -> {
                        String id = r.get("merchant_id").asText();
                        r.putObject("merchant_id").put("id", id);
                    }
                    default -> {
                        String amount = r.get("amount").asText();
                        r.putArray("amount").add(amount);
                    }
                }
            }
            case INVALID_AMOUNT -> r.put("amount", pick("twelve", "12..50", "NaN", "", "1,23,4.5"));
            case INVALID_CURRENCY -> r.put("currency", pick("XYZ", "bitcoin", "", "??"));
            case INVALID_CARD_NUMBER -> {
                String number = r.get("card_number").asText();
                char lastDigit = number.charAt(number.length() - 1);
                String broken = number.substring(0, number.length() - 1) + (char) ('0' + (lastDigit - '0' + 1) % 10);
                r.put("card_number", random.nextBoolean() ? broken : number.substring(0, 4));
            }
            case INVALID_TIMESTAMP -> r.put("ts", pick("yesterday", "2025-13-45T00:00:00Z", "", "12:00"));
            case FUTURE_TIMESTAMP -> r.put("ts", Instant.parse("2100-01-01T00:00:00Z").plusMillis(random.nextLong(365 * DAY)).toString());
            case OVERSIZED -> r.put("note", "x".repeat(spec.maxRecordBytes * 2));
            case EXTRA_FIELD -> r.put("device_id", "d" + random.nextInt(1_000_000));
            case ODD_AMOUNT_SPELLING -> r.put("amount", oddAmount(new BigDecimal(r.get("amount").asText()), r.get("currency").asText()));
            case ODD_CURRENCY_SPELLING -> r.put("currency", oddCurrency(r.get("currency").asText()));
            case ODD_TIMESTAMP_FORMAT -> oddTimestamp(r);
            case ODD_COUNTRY_SPELLING -> r.put("country",
                    new Locale.Builder().setRegion(r.get("country").asText()).build().getDisplayCountry(Locale.ENGLISH));
            default -> throw new IllegalStateException("not a field-level kind: " + kind);
        }
    }

    private String oddAmount(BigDecimal amount, String currency) {
        String plain = amount.toPlainString();
        return switch (random.nextInt(3)) {
            case 0 -> plain + " " + currency;
            case 1 -> currency.equals("USD") ? "$" + String.format(Locale.US, "%,.2f", amount) : currency + " " + plain;
            default -> currency.equals("EUR") ? String.format(Locale.GERMANY, "%,.2f", amount) : " " + plain + " ";
        };
    }

    private String oddCurrency(String iso) {
        String symbol = switch (iso) {
            case "USD" -> "$";
            case "EUR" -> "€";
            case "GBP" -> "£";
            case "JPY" -> "¥";
            default -> null;
        };
        return switch (random.nextInt(3)) {
            case 0 -> iso.toLowerCase(Locale.ROOT);
            case 1 -> " " + iso + " ";
            default -> symbol != null ? symbol : iso.toLowerCase(Locale.ROOT);
        };
    }

    private void oddTimestamp(ObjectNode r) {
        Instant t = Instant.parse(r.get("ts").asText());
        switch (random.nextInt(3)) {
            case 0 -> r.put("ts", t.toEpochMilli());
            case 1 -> r.put("ts", t.atOffset(ZoneOffset.ofHours(2)).toString());
            default -> r.put("ts", SPACED.format(t));
        }
    }

    private String malformed(ObjectNode r) throws IOException {
        String line = JSON.writeValueAsString(r);
        return line.substring(0, line.length() / 2);
    }

    private String pick(String... options) {
        return options[random.nextInt(options.length)];
    }

    private void scheduleLabel(Transaction tx, String txnId) {
        if (tx.fraud()) {
            fraudTransactions++;
            if (random.nextDouble() < 0.9) {
                labels.add(new Label(tx.time() + DAY + random.nextLong(59 * DAY), txnId, "fraud"));
            }
        } else if (random.nextDouble() < 0.001) {
            labels.add(new Label(tx.time() + DAY + random.nextLong(59 * DAY), txnId, "dispute"));
        }
    }

    private void flushLabels(Writer out, long upTo) throws IOException {
        while (!labels.isEmpty() && labels.peek().time() <= upTo) {
            Label label = labels.poll();
            ObjectNode node = JSON.createObjectNode();
            node.put("txn_id", label.txnId());
            node.put("label_time", Instant.ofEpochMilli(label.time()).toString());
            node.put("label", "chargeback");
            node.put("reason", label.reason());
            out.write(JSON.writeValueAsString(node));
            out.write('\n');
            labelsWritten++;
        }
    }

    private Manifest manifest(long lastTime) {
        Map<String, Long> kinds = new TreeMap<>();
        injected.forEach((k, v) -> kinds.put(k.label(), v));
        return new Manifest(options.seed(), options.events(), options.dirtyRate(), options.start().toString(),
                Instant.ofEpochMilli(lastTime).toString(), linesWritten, expectedValid, fraudTransactions,
                labelsWritten, kinds, expectedDeadLetters);
    }
}
