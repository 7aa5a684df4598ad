package dev.tandem.udfs.functions;

import dev.tandem.udfs.logic.EmailNormalizer;
import org.apache.flink.table.functions.ScalarFunction;

/** {@code NORMALIZE_EMAIL(' Jane.Doe@Example.COM ')} → 'jane.doe@example.com', or NULL if invalid. */
public final class NormalizeEmail extends ScalarFunction {
    public String eval(String raw) {
        return EmailNormalizer.normalize(raw).value();
    }
}
