package dev.tandem.scoring;

import dev.tandem.spec.CompiledSpec;
import dev.tandem.spec.SpecCompiler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The flagship's fraud model as a user adds it: the card-fraud spec with a {@code models:} entry
 * named {@code fraud} over the features below, and the flagship's expectations beside it. What the
 * demo trains and the scoring benchmark scores.
 */
public final class FlagshipModel {
    public static final String NAME = "fraud";
    public static final List<String> INPUTS = List.of("card_txn_count_1h", "card_txn_count_24h", "card_amount_max_24h",
            "card_amount_zscore_7d", "card_distinct_merchants_24h", "card_distinct_countries_7d", "card_seconds_since_last",
            "card_km_from_last", "card_cnp_count_24h", "card_declined_count_24h", "txn_amount_log", "txn_hour_sin", "txn_hour_cos",
            "merchant_txn_count_1h", "merchant_amount_ratio_7d", "txn_amount_vs_card_avg_7d");

    private FlagshipModel() {}

    /** Writes {@code dir/card-fraud-scored.yaml} (with {@code modelOptions} in the model's entry, e.g. a rollback rule) and compiles it. */
    public static CompiledSpec spec(Path dir, String modelOptions) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("card-fraud-scored.expectations.yaml"),
                resource(SpecCompiler.DEFAULT_SPEC_RESOURCE.replace(".yaml", ".expectations.yaml")));
        Path file = dir.resolve("card-fraud-scored.yaml");
        Files.writeString(file, resource(SpecCompiler.DEFAULT_SPEC_RESOURCE) + "\nmodels:\n  - { name: " + NAME + ", inputs: ["
                + String.join(", ", INPUTS) + "]" + (modelOptions.isEmpty() ? "" : ", " + modelOptions) + " }\n");
        return SpecCompiler.load(file);
    }

    private static String resource(String name) throws IOException {
        try (var in = SpecCompiler.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
