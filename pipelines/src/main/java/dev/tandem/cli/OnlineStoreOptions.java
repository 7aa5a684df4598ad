package dev.tandem.cli;

import dev.tandem.local.LocalPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where the online store is; the password comes from the environment or the local server's file, never a flag. */
final class OnlineStoreOptions {
    @Option(names = "--jdbc-url", defaultValue = "${env:TANDEM_JDBC_URL}",
            description = "Online store JDBC URL (default: TANDEM_JDBC_URL, else the local PostgreSQL of ./tandem postgres start).")
    String jdbcUrl;

    @Option(names = "--jdbc-user", defaultValue = "${env:TANDEM_JDBC_USER:-" + LocalPostgres.USER + "}",
            description = "Online store user (default: TANDEM_JDBC_USER, else " + LocalPostgres.USER + ").")
    String user;

    @Option(names = "--jdbc-password-file", paramLabel = "FILE", defaultValue = "${env:TANDEM_PG_PASSWORD_FILE}",
            description = "A file holding the online store password, e.g. a mounted Kubernetes Secret (default: "
                    + "TANDEM_PG_PASSWORD_FILE, else TANDEM_PG_PASSWORD, else the local server's file).")
    Path passwordFile;

    String jdbcUrl() {
        return jdbcUrl != null ? jdbcUrl : ServerCommands.postgres(5433).jdbcUrl();
    }

    /** The password file, else TANDEM_PG_PASSWORD, else the local server's generated password. */
    String password() throws Exception {
        if (passwordFile != null) {
            return Files.readString(passwordFile).strip();
        }
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
