package dev.tandem.features;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.ingest.CleanEvent;
import dev.tandem.spec.CompiledSpec;
import dev.tandem.spec.SpecCompiler;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What of an event crosses each shuffle of the flagship's chain (card, then merchant). */
class StageInputsTest {
    private static final CompiledSpec SPEC = SpecCompiler.load(null);

    @Test
    void eachStageGetsWhatItAndTheStagesAfterItRead() {
        CleanEvent event = new CleanEvent();
        event.eventId = "t1";
        event.eventTime = 42;
        event.ingestTime = 7;
        event.text = new String[SPEC.textSlots];
        for (int i = 0; i < event.text.length; i++) {
            event.text[i] = "v" + i;
        }
        event.numbers = new double[] {1, 2};
        StageInputs inputs = new StageInputs(SPEC);

        assertThat(kept(inputs.forStage(0, event)))
                .as("card: its key, merchants and countries it counts, the channel and status its filters read; merchant: its key, cards")
                .containsExactlyInAnyOrder("card_id", "merchant_id", "country", "channel", "status");
        assertThat(kept(inputs.forStage(1, event))).as("merchant: its key, the cards it counts").containsExactlyInAnyOrder("merchant_id", "card_id");
        CleanEvent last = inputs.forStage(2, event);
        assertThat(kept(last)).as("past the last stage").isEmpty();
        assertThat(last.eventId).isEqualTo("t1");
        assertThat(last.eventTime).isEqualTo(42);
        assertThat(last.ingestTime).isEqualTo(7);
        assertThat(last.numbers).containsExactly(1, 2);
        assertThat(event.text).as("the event itself is left as it was").doesNotContainNull();
    }

    private static List<String> kept(CleanEvent projected) {
        List<String> names = new ArrayList<>();
        for (CompiledSpec.InputField f : SPEC.inputFields) {
            if (!f.numeric() && f.slot() >= 0 && projected.text[f.slot()] != null) {
                names.add(f.outputName());
            }
        }
        return names;
    }
}
