package dev.tandem.spec;

import java.util.Locale;

/** The type of an input field, and the kind of slot its cleaned value lives in. */
public enum FieldType {
    STRING(false), LONG(true), DOUBLE(true), BOOLEAN(true), TIMESTAMP(true);

    private final boolean numeric;

    FieldType(boolean numeric) {
        this.numeric = numeric;
    }

    /** Numeric values (booleans as 0/1, timestamps as epoch millis) live in the number slots. */
    public boolean numeric() {
        return numeric;
    }

    static FieldType parse(String text, String where) {
        try {
            return valueOf(text.strip().toUpperCase(Locale.ROOT));
        } catch (RuntimeException e) {
            throw new SpecException(where + ": unknown type '" + text + "'; use string, long, double, boolean or timestamp");
        }
    }
}
