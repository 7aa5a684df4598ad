package dev.tandem.erasure;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One erasure request as recorded: when, which feature set and entity group, the entity's key as
 * stored (a pseudonym when the key is PII), why, and what was done.
 */
public record ErasureRequest(
        @JsonProperty("requested_at") String requestedAt,
        @JsonProperty("feature_set") String featureSet,
        String group,
        @JsonProperty("entity_key") String entityKey,
        String reason,
        @JsonProperty("online_rows_deleted") long onlineRowsDeleted,
        String tombstone) {}
