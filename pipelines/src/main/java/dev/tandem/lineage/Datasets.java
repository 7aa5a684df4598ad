package dev.tandem.lineage;

import java.net.URI;
import java.nio.file.Path;

/** Dataset names in OpenLineage's conventions for the stores Tandem reads and writes. */
public final class Datasets {
    private Datasets() {}

    public static LineageEvent.Dataset file(Path path, boolean carriesFeatures) {
        return new LineageEvent.Dataset("file", path.toAbsolutePath().normalize().toString(), carriesFeatures);
    }

    public static LineageEvent.Dataset topic(String bootstrap, String topic, boolean carriesFeatures) {
        return new LineageEvent.Dataset("kafka://" + bootstrap.split(",")[0].strip(), topic, carriesFeatures);
    }

    /** A table behind a JDBC URL such as {@code jdbc:postgresql://host:port/db?...}. */
    public static LineageEvent.Dataset table(String jdbcUrl, String table, boolean carriesFeatures) {
        URI uri = URI.create(jdbcUrl.substring("jdbc:".length()));
        String database = uri.getPath() == null ? "" : uri.getPath().replaceFirst("^/", "");
        return new LineageEvent.Dataset("postgres://" + uri.getHost() + ":" + (uri.getPort() < 0 ? 5432 : uri.getPort()),
                database + ".public." + table, carriesFeatures);
    }
}
