package dev.tandem.udfs.functions;

import dev.tandem.udfs.logic.CountryNormalizer;
import org.apache.flink.table.functions.ScalarFunction;

/** {@code NORMALIZE_COUNTRY('Deutschland')} → 'DE' (ISO 3166-1 alpha-2), or NULL. */
public final class NormalizeCountry extends ScalarFunction {
    public String eval(String raw) {
        return CountryNormalizer.normalize(raw).value();
    }
}
