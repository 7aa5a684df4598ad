package dev.tandem.udfs.functions;

import dev.tandem.udfs.logic.FeatureMath;
import org.apache.flink.table.functions.ScalarFunction;

/** {@code HAVERSINE_KM(lat1, lon1, lat2, lon2)}: great-circle distance in km; NULL if any input is. */
public final class HaversineKm extends ScalarFunction {
    public Double eval(Double lat1, Double lon1, Double lat2, Double lon2) {
        if (lat1 == null || lon1 == null || lat2 == null || lon2 == null) {
            return null;
        }
        return Doubles.nanToNull(FeatureMath.haversineKm(lat1, lon1, lat2, lon2));
    }
}
