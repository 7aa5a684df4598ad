package dev.tandem.jmh;

import dev.tandem.asof.EntityState;
import dev.tandem.asof.FeatureGroup;
import dev.tandem.ingest.CleanEvent;
import dev.tandem.spec.CompiledSpec;

/**
 * One group's engine and an entity whose window of {@code windowMillis} holds {@code size} events
 * (events are spaced so; in steady state each also evicts one), fed from a ring of event templates.
 */
final class EntityFixture {
    private final FeatureGroup group;
    private final EntityState entity;
    private final CleanEvent[] templates;
    private final double[] out;
    private final long spacing;
    private long time;
    private int next;

    EntityFixture(CompiledSpec spec, int groupIndex, long windowMillis, int size, CleanEvent[] templates) {
        this.group = FeatureGroup.of(spec, groupIndex);
        this.entity = group.newState();
        this.spacing = Math.max(1, windowMillis / size);
        this.templates = templates;
        this.out = new double[group.featureCount()];
        for (int i = 0; i < size; i++) {
            step();
        }
    }

    /** The per-event path as the jobs take it: advance, read as of the event's instant, add. */
    double[] step() {
        CleanEvent e = templates[next++ % templates.length];
        time += spacing;
        e.eventTime = time;
        group.advanceTo(entity, time);
        group.featuresAsOf(entity, time, e, out);
        group.add(entity, e);
        return out;
    }

    CleanEvent template(int index) {
        return templates[index];
    }
}
