package dev.tandem.udfs.logic;

import java.util.Objects;

/**
 * The outcome of cleaning one raw value: either a value, or a short machine-readable reason why
 * the raw value was refused. Cleaning never throws on bad input; callers route refusals to a
 * dead-letter output with the reason.
 */
public final class Cleaned<T> {

    private final T value;
    private final String reason;

    private Cleaned(T value, String reason) {
        this.value = value;
        this.reason = reason;
    }

    public static <T> Cleaned<T> ok(T value) {
        return new Cleaned<>(Objects.requireNonNull(value, "value"), null);
    }

    public static <T> Cleaned<T> refused(String reason) {
        return new Cleaned<>(null, Objects.requireNonNull(reason, "reason"));
    }

    public boolean isOk() {
        return reason == null;
    }

    /** The cleaned value, or {@code null} when refused. */
    public T value() {
        return value;
    }

    /** Why the value was refused, or {@code null} when it was accepted. */
    public String reason() {
        return reason;
    }

    @Override
    public String toString() {
        return isOk() ? "ok(" + value + ")" : "refused(" + reason + ")";
    }
}
