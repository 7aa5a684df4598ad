package dev.tandem.features;

import dev.tandem.ingest.CleanEvent;

/** Cleaned events laid out for {@code TestSpecs.SENSORS}: text [id, device, site], numbers [at, temp, lat, lon]. */
public final class SensorEvents {
    private SensorEvents() {}

    public static CleanEvent event(String id, long at, String device, String site, double temp, double lat, double lon) {
        return new CleanEvent(id, at, new String[] {id, device, site}, new double[] {at, temp, lat, lon});
    }

    public static CleanEvent event(String id, long at, String device, double temp) {
        return event(id, at, device, "s1", temp, 0, 0);
    }
}
