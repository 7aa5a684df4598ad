package dev.tandem.udfs.functions;

/** The logic layer says "no value" with NaN; SQL says it with NULL. */
final class Doubles {
    private Doubles() {}

    static Double nanToNull(double value) {
        return Double.isNaN(value) ? null : value;
    }
}
