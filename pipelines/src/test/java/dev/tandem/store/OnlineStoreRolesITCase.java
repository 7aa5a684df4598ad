package dev.tandem.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tandem.local.LocalPostgres;
import dev.tandem.local.LocalServers;
import dev.tandem.spec.CompiledSpec;
import dev.tandem.spec.SpecCompiler;
import dev.tandem.spec.TestSpecs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Least privilege on a real PostgreSQL: the job's writer creates and upserts its tables and can do
 * nothing else; the serving role only reads; neither is superuser, and no configuration in the
 * repository connects as one.
 */
@ExtendWith(LocalServers.class)
class OnlineStoreRolesITCase {
    @Test
    void theWriterWritesTheReaderReadsAndNeitherIsSuperuser() throws Exception {
        LocalPostgres pg = LocalServers.get().postgres();
        CompiledSpec spec = SpecCompiler.compile(TestSpecs.SENSORS.replace("name: sensors", "name: roles_check"), "roles.yaml");
        String table = OnlineStoreSchema.table(spec, spec.entities.get(0));
        try (Connection writer = pg.connect(); Statement st = writer.createStatement()) {
            assertThat(attributes(st)).containsExactly(LocalPostgres.USER, "f", "f", "f");
            OnlineStoreSchema.drop(writer, spec);
            OnlineStoreSchema.migrate(writer, spec);
            st.execute("INSERT INTO " + table + " (entity_key, event_id, event_time, written_at, feature_set_version) "
                    + "VALUES ('d1', 'e1', now(), now(), 'v')");
            assertThatThrownBy(() -> st.execute("CREATE ROLE intruder LOGIN")).isInstanceOf(SQLException.class)
                    .hasMessageContaining("permission denied");
            assertThatThrownBy(() -> st.execute("CREATE DATABASE other")).isInstanceOf(SQLException.class)
                    .hasMessageContaining("permission denied");
        }
        try (Connection reader = pg.connectAsReader(); Statement st = reader.createStatement()) {
            assertThat(attributes(st)).containsExactly(LocalPostgres.READER, "f", "f", "f");
            try (ResultSet rs = st.executeQuery("SELECT count(*) FROM " + table)) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(1);
            }
            assertThatThrownBy(() -> st.execute("INSERT INTO " + table + " (entity_key, event_id, event_time, written_at, "
                    + "feature_set_version) VALUES ('d2', 'e2', now(), now(), 'v')")).hasMessageContaining("permission denied");
            assertThatThrownBy(() -> st.execute("DELETE FROM " + table)).hasMessageContaining("permission denied");
            assertThatThrownBy(() -> st.execute("CREATE TABLE sneaky (x int)")).hasMessageContaining("permission denied");
        }
    }

    @Test
    void noConfigurationConnectsAsASuperuser() throws Exception {
        Path home = Path.of(System.getProperty("tandem.home", ".."));
        Pattern superuser = Pattern.compile("(?i)(JDBC_USER\\W+|user=|--jdbc-user\\W+)(postgres|root|admin|tandem_admin)\\b");
        List<Path> configs;
        try (Stream<Path> files = Files.walk(home.resolve("deploy"))) {
            configs = files.filter(p -> p.toString().matches(".*\\.(ya?ml|properties|sql|conf)$") && !p.toString().contains("/target/"))
                    .toList();
        }
        assertThat(configs).isNotEmpty();
        for (Path config : configs) {
            assertThat(superuser.matcher(Files.readString(config)).find()).as(config.toString()).isFalse();
        }
        assertThat(Files.readString(home.resolve("deploy/k8s/config/tandem-config.yaml")))
                .contains("TANDEM_JDBC_USER: " + OnlineStoreRoles.WRITER);
    }

    private static List<String> attributes(Statement st) throws SQLException {
        try (ResultSet rs = st.executeQuery("SELECT rolname, rolsuper, rolcreaterole, rolcreatedb FROM pg_roles WHERE rolname = current_user")) {
            rs.next();
            return List.of(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4));
        }
    }
}
