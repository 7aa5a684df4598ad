package dev.tandem.cli;

import dev.tandem.local.LocalPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where the online store is; the password comes from the environment or the local server's file, never a flag. */
final class OnlineStoreOptions {
    @Option(names = "--jdbc-url", description = "Online store JDBC URL (default: the local PostgreSQL of ./tandem postgres start).")
    String jdbcUrl;

    @Option(names = "--jdbc-user", defaultValue = LocalPostgres.USER, description = "Online store user (default ${DEFAULT-VALUE}).")
    String user;

    String jdbcUrl() {
        return jdbcUrl != null ? jdbcUrl : ServerCommands.postgres(5433).jdbcUrl();
    }

    /** TANDEM_PG_PASSWORD, else the local server's generated password. */
    String password() throws Exception {
        String env = System.getenv("TANDEM_PG_PASSWORD");
        if (env != null && !env.isEmpty()) {
            return env;
        }
        Path local = ServerCommands.home().resolve(".tandem/postgres/password");
        if (Files.exists(local)) {
            return Files.readString(local).strip();
        }
        throw new UsageError("set TANDEM_PG_PASSWORD for the online store");
    }
}
