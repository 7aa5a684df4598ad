package dev.tandem.features;

import dev.tandem.ingest.CleanEvent;
import dev.tandem.spec.CompiledSpec;
import java.io.Serializable;

/**
 * What of an event the chain's stages still read: stage {@code i} and those after it read their
 * keys, their text features' inputs and what their where filters read; every other text value is dropped before the event crosses
 * the shuffle to stage {@code i} (a card number's pseudonym, an e-mail's, the country a later group
 * does not count), so rows carry only what is left to read. Numbers stay (their array is fixed by
 * slot, and small).
 */
public final class StageInputs implements Serializable {
    private final boolean[][] textKept;

    public StageInputs(CompiledSpec spec) {
        int groups = spec.entities.size();
        textKept = new boolean[groups + 1][spec.textSlots];
        for (int stage = groups - 1; stage >= 0; stage--) {
            System.arraycopy(textKept[stage + 1], 0, textKept[stage], 0, spec.textSlots);
            if (stage == groups - 1) {
                for (int slot : new OnDemandFeatures(spec).textSlots()) {
                    textKept[stage][slot] = true; // the last stage completes the vector and its on-demand features
                }
            }
            CompiledSpec.EntityGroup group = spec.entities.get(stage);
            textKept[stage][group.keySlot()] = true;
            for (int slot : new GroupLayout(group).readTextSlots()) {
                textKept[stage][slot] = true;
            }
        }
    }

    /** The event as stage {@code stage} (and the ones after it) read it; past the last stage, its id and time only. */
    public CleanEvent forStage(int stage, CleanEvent event) {
        boolean[] kept = textKept[stage];
        String[] text = new String[event.text.length];
        for (int i = 0; i < text.length; i++) {
            if (kept[i]) {
                text[i] = event.text[i];
            }
        }
        CleanEvent projected = new CleanEvent();
        projected.eventId = event.eventId;
        projected.eventTime = event.eventTime;
        projected.ingestTime = event.ingestTime;
        projected.text = text;
        projected.numbers = event.numbers;
        return projected;
    }
}
