package dev.tandem.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server from Debian's {@code postgresql} package, on 127.0.0.1 with its data
 * under {@code dir}. PostgreSQL refuses to run as root, so as root it runs as the package's
 * {@code postgres} user. The password of the {@code tandem} role is generated at first start and
 * kept in {@code dir/password} (mode 600); nothing is hard-coded.
 */
public final class LocalPostgres {
    public static final String DATABASE = "tandem";
    public static final String USER = "tandem";

    private final Path dir;
    private final int port;

    public LocalPostgres(Path dir, int port) {
        this.dir = dir.toAbsolutePath();
        this.port = port;
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE;
    }

    public String password() throws IOException {
        return Files.readString(dir.resolve("password")).strip();
    }

    public boolean isRunning() {
        try {
            Processes.run(Processes.as("postgres", List.of(bin("pg_ctl"), "status", "-D", data().toString())), Duration.ofSeconds(20));
            return true;
        } catch (Exception e) {
            return false;
        }
    }

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
        createDatabase();
    }

    public void stop() throws Exception {
        if (Files.exists(data().resolve("PG_VERSION")) && isRunning()) {
            Processes.run(Processes.as("postgres", List.of(bin("pg_ctl"), "stop", "-w", "-m", "fast", "-D", data().toString())),
                    Duration.ofSeconds(60));
        }
    }

    public Connection connect() throws Exception {
        return DriverManager.getConnection(jdbcUrl(), USER, password());
    }

    private void initialise() throws Exception {
        String password = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
        Path passwordFile = dir.resolve("password");
        Files.writeString(passwordFile, password);
        Files.setPosixFilePermissions(passwordFile, PosixFilePermissions.fromString("rw-------"));
        Path pwfile = dir.resolve("initdb.pw");
        Files.writeString(pwfile, password);
        if (Processes.isRoot()) {
            Processes.run(List.of("chown", "-R", "postgres:postgres", dir.toString()), Duration.ofSeconds(30));
            Processes.run(List.of("chown", "root:root", passwordFile.toString()), Duration.ofSeconds(30));
        }
        try {
            Processes.run(Processes.as("postgres", List.of(bin("initdb"), "-D", data().toString(), "-U", USER,
                    "--pwfile=" + pwfile, "--auth=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8")), Duration.ofMinutes(2));
        } finally {
            Files.deleteIfExists(pwfile);
        }
    }

    private void createDatabase() throws Exception {
        String url = "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
        try (Connection c = DriverManager.getConnection(url, USER, password());
                ResultSet rs = c.createStatement().executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + DATABASE + "'")) {
            if (!rs.next()) {
                c.createStatement().execute("CREATE DATABASE " + DATABASE);
            }
        }
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
