package dev.tandem.udfs.functions;

import dev.tandem.udfs.logic.Pseudonymizer;
import org.apache.flink.table.functions.FunctionContext;
import org.apache.flink.table.functions.ScalarFunction;

/**
 * {@code PSEUDONYMIZE(value)}: keyed HMAC-SHA256 pseudonym. The secret comes from the job
 * parameter {@value #SECRET_OPTION} or the environment variable {@value Pseudonymizer#SECRET_ENV};
 * with neither, the function fails at open rather than fall back to a bare hash.
 */
public final class Pseudonymize extends ScalarFunction {
    public static final String SECRET_OPTION = "tandem.pii.secret";

    private transient Pseudonymizer pseudonymizer;

    @Override
    public void open(FunctionContext context) {
        String secret = Pseudonymizer.resolveSecret(context.getJobParameter(SECRET_OPTION, null));
        pseudonymizer = new Pseudonymizer(secret);
    }

    public String eval(String value) {
        return pseudonymizer.pseudonymize(value);
    }
}
