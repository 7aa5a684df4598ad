package dev.tandem.udfs.functions;

import java.util.List;
import java.util.stream.Collectors;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.functions.UserDefinedFunction;

/**
 * The one list of Tandem's SQL functions. The SQL init file is generated from it
 * ({@link #createStatements()}) and Java jobs register from it ({@link #registerAll}), so the
 * two can never disagree.
 */
public final class FunctionRegistry {

    /** A function's SQL name and its implementing class. */
    public record Entry(String sqlName, Class<? extends UserDefinedFunction> implementation) {}

    public static final List<Entry> FUNCTIONS =
            List.of(
                    new Entry("PARSE_AMOUNT", ParseAmount.class),
                    new Entry("AMOUNT_REJECT_REASON", AmountRejectReason.class),
                    new Entry("NORMALIZE_CURRENCY", NormalizeCurrency.class),
                    new Entry("TO_BASE_CURRENCY", ToBaseCurrency.class),
                    new Entry("PARSE_TIMESTAMP", ParseTimestamp.class),
                    new Entry("NORMALIZE_EMAIL", NormalizeEmail.class),
                    new Entry("NORMALIZE_COUNTRY", NormalizeCountry.class),
                    new Entry("IS_VALID_CARD", IsValidCard.class),
                    new Entry("PSEUDONYMIZE", Pseudonymize.class),
                    new Entry("MASK_CARD", MaskCard.class),
                    new Entry("MASK_EMAIL", MaskEmail.class),
                    new Entry("MASK_TEXT", MaskText.class),
                    new Entry("HAVERSINE_KM", HaversineKm.class),
                    new Entry("LOG1P", Log1p.class),
                    new Entry("BUCKETIZE", Bucketize.class),
                    new Entry("HOUR_SIN", CyclicTime.HourSin.class),
                    new Entry("HOUR_COS", CyclicTime.HourCos.class),
                    new Entry("DOW_SIN", CyclicTime.DowSin.class),
                    new Entry("DOW_COS", CyclicTime.DowCos.class),
                    new Entry("SAFE_RATIO", SafeRatio.class),
                    new Entry("Z_SCORE", ZScore.class),
                    new Entry("EPOCH_MILLIS", EpochMillis.class),
                    new Entry("ASOF_COUNT", AsOfCount.class),
                    new Entry("ASOF_AVG", AsOfAvg.class),
                    new Entry("ASOF_PERCENTILE", AsOfPercentile.class));

    private FunctionRegistry() {}

    /** {@code CREATE TEMPORARY SYSTEM FUNCTION} statements for every function, one per line. */
    public static String createStatements() {
        return FUNCTIONS.stream()
                .map(f -> "CREATE TEMPORARY SYSTEM FUNCTION IF NOT EXISTS " + f.sqlName()
                        + " AS '" + f.implementation().getName() + "' LANGUAGE JAVA;")
                .collect(Collectors.joining("\n", "", "\n"));
    }

    /** Registers every function in a table environment. */
    public static void registerAll(TableEnvironment tableEnv) {
        for (Entry f : FUNCTIONS) {
            tableEnv.createTemporarySystemFunction(f.sqlName(), f.implementation());
        }
    }
}
