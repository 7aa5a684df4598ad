package dev.tandem.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.features.FeatureVector;
import dev.tandem.ingest.CleanEvent;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Where a savepoint migration puts each pending event of a job that assembled vectors from parts,
 * for a chain of three groups: every case of which groups had computed the event's part.
 */
class SavepointMigrationTest {
    private static final int GROUPS = 3;

    @Test
    void anEventWaitsInTheFirstGroupThatHasNotComputedItsPartCarryingTheOthers() {
        // e1: no group had computed it (pending in all three); e2: group 0 had (its part in the assembler);
        // e3: group 1 had, group 0 had not; e4: groups 0 and 2 had.
        Map<String, FeatureVector> parts = Map.of(
                "e2@20", part("e2", 20, true, false, false),
                "e3@30", part("e3", 30, false, true, false),
                "e4@40", part("e4", 40, true, false, true));

        SavepointMigration.Placement first = SavepointMigration.place(0, GROUPS, List.of(pending("e1", 10), pending("e3", 30)), parts);
        assertThat(first.kept()).extracting(p -> p.event.eventId).containsExactly("e1", "e3");
        assertThat(first.kept().get(0).vector).as("nothing computed: nothing carried").isNull();
        assertThat(first.kept().get(1).vector.keys[1]).as("e3 carries group 1's part on").isEqualTo("k1");
        assertThat(first.letGo()).isZero();

        SavepointMigration.Placement second = SavepointMigration.place(1, GROUPS,
                List.of(pending("e1", 10), pending("e2", 20), pending("e4", 40)), parts);
        assertThat(second.kept()).extracting(p -> p.event.eventId).as("e2 and e4 have group 0's part").containsExactly("e2", "e4");
        assertThat(second.kept().get(1).vector.keys).containsExactly("k0", null, "k2");
        assertThat(second.letGo()).as("e1 comes from group 0 when it has computed it").isEqualTo(1);

        SavepointMigration.Placement third = SavepointMigration.place(2, GROUPS,
                List.of(pending("e1", 10), pending("e2", 20), pending("e3", 30)), parts);
        assertThat(third.kept()).as("each still misses an earlier group's part").isEmpty();
        assertThat(third.letGo()).isEqualTo(3);
    }

    @Test
    void theFirstUncomputedGroupFollowsTheChainOrder() {
        assertThat(SavepointMigration.firstUncomputed(null, GROUPS)).isZero();
        assertThat(SavepointMigration.firstUncomputed(part("e", 1, true, true, false), GROUPS)).isEqualTo(2);
        assertThat(SavepointMigration.firstUncomputed(part("e", 1, true, true, true), GROUPS)).isEqualTo(3);
    }

    private static SavepointMigration.PendingAt pending(String id, long time) {
        SavepointMigration.PendingAt p = new SavepointMigration.PendingAt();
        p.key = "entity";
        p.time = time;
        p.event = new CleanEvent();
        p.event.eventId = id;
        p.event.eventTime = time;
        return p;
    }

    private static FeatureVector part(String id, long time, boolean... computed) {
        String[] keys = new String[computed.length];
        for (int g = 0; g < computed.length; g++) {
            keys[g] = computed[g] ? "k" + g : null;
        }
        return new FeatureVector(id, time, -1, keys, new double[3], 0);
    }
}
