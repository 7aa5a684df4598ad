package dev.tandem.jmh;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tandem.ingest.RecordCleaner;
import dev.tandem.spec.SpecCompiler;
import dev.tandem.udfs.logic.AmountParser;
import dev.tandem.udfs.logic.CardNumbers;
import dev.tandem.udfs.logic.CurrencyConverter;
import dev.tandem.udfs.logic.Pseudonymizer;
import dev.tandem.udfs.logic.TimestampParser;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cleaning hot path, per record and per UDF. {@link #jsonParseOnly} is the baseline: what
 * reading the line costs before any cleaning.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class CleaningBenchmarks {
    static final String LINE = "{\"txn_id\":\"t0000000001\",\"ts\":\"2025-01-01T00:00:14.553Z\",\"card_number\":\"4659 1893 0878 0243\","
            + "\"amount\":\"1.046,29\",\"currency\":\"eur\",\"merchant_id\":\"m002191\",\"merchant_category\":\"fuel\",\"lat\":52.4707,"
            + "\"lon\":13.4494,\"country\":\"Germany\",\"email\":\"Holder14723@Example.com\",\"channel\":\"pos\"}";

    private ObjectMapper json;
    private RecordCleaner cleaner;
    private Pseudonymizer pseudonymizer;

    @Setup
    public void setUp() {
        json = new ObjectMapper();
        cleaner = new RecordCleaner(SpecCompiler.load(null), "jmh-secret", CurrencyConverter.defaultTable(), System::currentTimeMillis);
        pseudonymizer = new Pseudonymizer("jmh-secret");
    }

    @Benchmark
    public Object jsonParseOnly() throws Exception {
        return json.readTree(LINE);
    }

    @Benchmark
    public Object cleanRecord() {
        return cleaner.clean(LINE);
    }

    @Benchmark
    public Object parseAmount() {
        return AmountParser.parse("1.046,29");
    }

    @Benchmark
    public Object parseTimestamp() {
        return TimestampParser.parse("2025-01-01T00:00:14.553Z");
    }

    @Benchmark
    public Object cleanCardNumber() {
        return CardNumbers.clean("4659 1893 0878 0243");
    }

    @Benchmark
    public Object pseudonymize() {
        return pseudonymizer.pseudonymize("4659189308780243");
    }
}
