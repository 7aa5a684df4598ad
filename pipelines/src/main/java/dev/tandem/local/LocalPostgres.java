package dev.tandem.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import dev.tandem.store.OnlineStoreRoles;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server from Debian's {@code postgresql} package, on 127.0.0.1 with its data
 * under {@code dir}. PostgreSQL refuses to run as root, so as root it runs as the package's
 * {@code postgres} user. Least privilege as in production: an administrator role sets up the
 * database, the job connects as the writer {@code tandem}, serving reads as {@code tandem_reader};
 * neither is superuser ({@link OnlineStoreRoles}). Passwords are generated at first start and kept
 * in {@code dir/password}, {@code dir/reader-password} and {@code dir/admin-password} (mode 600).
 */
public final class LocalPostgres implements LocalServer {
    public static final String DATABASE = "tandem";
    public static final String USER = OnlineStoreRoles.WRITER;
    public static final String READER = OnlineStoreRoles.READER;
    static final String ADMIN = "tandem_admin";
    /** The one superuser role of data directories made before the split. */
    private static final String LEGACY_USER = "tandem";

    private final Path dir;
    private final int port;

    public LocalPostgres(Path dir, int port) {
        this.dir = dir.toAbsolutePath();
        this.port = port;
    }

    public String jdbcUrl() {
        return jdbcUrl(DATABASE);
    }

    /** The address of another database on this server (one {@link #ensureDatabase} made). */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    public String password() throws IOException {
        return Files.readString(dir.resolve("password")).strip();
    }

    public String readerPassword() throws IOException {
        return Files.readString(dir.resolve("reader-password")).strip();
    }

    /** A connection as the read-only serving role. */
    public Connection connectAsReader() throws Exception {
        return DriverManager.getConnection(jdbcUrl(), READER, readerPassword());
    }

    public boolean isRunning() {
        try {
            Processes.run(Processes.as("postgres", List.of(bin("pg_ctl"), "status", "-D", data().toString())), Duration.ofSeconds(20));
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    @Override
    public void start() throws Exception {
        if (Files.exists(data().resolve("PG_VERSION")) && isRunning()) {
            return;
        }
        Files.createDirectories(dir);
        if (!Files.exists(data().resolve("PG_VERSION"))) {
            initialise();
        }
        Processes.run(Processes.as("postgres", List.of(bin("pg_ctl"), "start", "-w", "-t", "60", "-D", data().toString(),
                "-l", dir.resolve("postgres.log").toString(),
                "-o", "-p " + port + " -c listen_addresses=127.0.0.1 -k " + dir)), Duration.ofSeconds(90));
        createDatabase(DATABASE);
    }

    /** The postmaster, from the first line of its pid file in the data directory. */
    @Override
    public java.util.Optional<ProcessHandle> process() throws IOException {
        Path pidFile = data().resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return java.util.Optional.empty();
        }
        long pid = Long.parseLong(Files.readAllLines(pidFile).get(0).strip());
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
    }

    @Override
    public void stop() throws Exception {
        if (Files.exists(data().resolve("PG_VERSION")) && isRunning()) {
            Processes.run(Processes.as("postgres", List.of(bin("pg_ctl"), "stop", "-w", "-m", "fast", "-D", data().toString())),
                    Duration.ofSeconds(60));
        }
    }

    public Connection connect() throws Exception {
        return connect(DATABASE);
    }

    /** A connection as the writer to {@code database}. */
    public Connection connect(String database) throws Exception {
        return DriverManager.getConnection(jdbcUrl(database), USER, password());
    }

    /**
     * A database of its own for one user of this server (the demo keeps its rows apart from the
     * commands' database), with the same least-privilege roles; made once, kept after.
     */
    public void ensureDatabase(String database) throws Exception {
        if (!database.matches("[a-z_][a-z0-9_]*")) {
            throw new IllegalArgumentException("not a plain database name: " + database);
        }
        createDatabase(database);
    }

    private void initialise() throws Exception {
        String password = secretFile("admin-password");
        secretFile("password");
        secretFile("reader-password");
        Path pwfile = dir.resolve("initdb.pw");
        Files.writeString(pwfile, password);
        if (Processes.isRoot()) {
            Processes.run(List.of("chown", "-R", "postgres:postgres", dir.toString()), Duration.ofSeconds(30));
            for (String secret : List.of("admin-password", "password", "reader-password")) {
                Processes.run(List.of("chown", "root:root", dir.resolve(secret).toString()), Duration.ofSeconds(30));
            }
        }
        try {
            Processes.run(Processes.as("postgres", List.of(bin("initdb"), "-D", data().toString(), "-U", ADMIN,
                    "--pwfile=" + pwfile, "--auth=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8")), Duration.ofMinutes(2));
        } finally {
            Files.deleteIfExists(pwfile);
        }
    }

    /** A new random secret in {@code dir/name} (mode 600), unless one is there already. */
    private String secretFile(String name) throws IOException {
        Path file = dir.resolve(name);
        if (!Files.exists(file)) {
            Files.writeString(file, HexFormat.of().formatHex(new SecureRandom().generateSeed(16)));
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        }
        return Files.readString(file).strip();
    }

    /** The database and the least-privilege roles, as the administrator (a data directory from before gets them too). */
    private void createDatabase(String database) throws Exception {
        String url = "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
        try (Connection c = adminConnection(url);
                ResultSet rs = c.createStatement().executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + database + "'")) {
            if (!rs.next()) {
                c.createStatement().execute("CREATE DATABASE " + database);
            }
        }
        try (Connection c = adminConnection(jdbcUrl(database)); Statement st = c.createStatement()) {
            for (String sql : OnlineStoreRoles.statements(database, password(), secretFile("reader-password"))) {
                st.execute(sql);
            }
            // Tables made by the old superuser role now belong to the writer (idempotent: none left after once).
            st.execute("DO $$ DECLARE t record; BEGIN FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                    + "AND tableowner = '" + LEGACY_USER + "' LOOP EXECUTE format('ALTER TABLE public.%I OWNER TO " + USER
                    + "', t.tablename); END LOOP; END $$");
        }
    }

    /**
     * The administrator's connection. A data directory made before the roles were split has only the
     * writer, as superuser: it creates the administrator once, then the writer loses its powers.
     */
    private Connection adminConnection(String url) throws Exception {
        if (!Files.exists(dir.resolve("admin-password"))) {
            String adminPassword = secretFile("admin-password");
            try (Connection legacy = DriverManager.getConnection(url, LEGACY_USER, password()); Statement st = legacy.createStatement()) {
                st.execute("CREATE ROLE " + ADMIN + " LOGIN SUPERUSER PASSWORD '" + adminPassword + "'");
            }
        }
        return DriverManager.getConnection(url, ADMIN, Files.readString(dir.resolve("admin-password")).strip());
    }

    private Path data() {
        return dir.resolve("data");
    }

    /** A PostgreSQL program from Debian's package, newest major version first; or PG_BIN. */
    static String bin(String program) throws IOException {
        String configured = System.getenv("PG_BIN");
        if (configured != null) {
            return Path.of(configured, program).toString();
        }
        Path root = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(root)) {
            try (Stream<Path> versions = Files.list(root)) {
                List<Path> found = new ArrayList<>(versions.map(v -> v.resolve("bin").resolve(program)).filter(Files::isExecutable).toList());
                found.sort(Comparator.comparing((Path p) -> Integer.parseInt(p.getParent().getParent().getFileName().toString())).reversed());
                if (!found.isEmpty()) {
                    return found.get(0).toString();
                }
            }
        }
        throw new IOException("PostgreSQL is not installed: apt-get install -y postgresql (or set PG_BIN)");
    }
}
