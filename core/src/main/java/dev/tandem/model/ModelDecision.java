package dev.tandem.model;

import java.io.Serializable;
import java.util.Locale;

/**
 * One lifecycle decision of the registry, in force for events from {@code effectiveFrom} (event
 * time, epoch millis): a version becomes the model's primary (its scores are answered), a shadow
 * (scored and logged beside the primary, never answered), or is taken out of shadow. A rollback is
 * a primary decision for the version before, by the decider that made it.
 */
public record ModelDecision(long seq, String model, int version, Role role, long effectiveFrom, long decidedAt, String decidedBy,
        String reason) implements Serializable {

    public enum Role {
        PRIMARY, SHADOW, RETIRED;

        public String text() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Role of(String text) {
            return valueOf(text.toUpperCase(Locale.ROOT));
        }
    }
}
