package dev.tandem.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A real Flink standalone session cluster on loopback: one JobManager process (REST API and Web UI)
 * and TaskManager processes, started from Flink's Maven artifacts the way Flink's shell scripts
 * start them, with RocksDB and checkpoint / savepoint directories under {@code dir}. The processes
 * outlive the JVM that started them; {@link #stop} ends them.
 */
public final class LocalFlinkCluster {
    private static final String JOBMANAGER = "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint";
    private static final String TASKMANAGER = "org.apache.flink.runtime.taskexecutor.TaskManagerRunner";
    private static final String RESOURCE_PARAMS = "org.apache.flink.runtime.util.bash.BashJavaUtils";
    private static final String RESULT_PREFIX = "BASH_JAVA_UTILS_EXEC_RESULT:";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final int restPort;
    private final Path classpathFile;

    public LocalFlinkCluster(Path dir, int restPort, Path classpathFile) {
        this.dir = dir.toAbsolutePath();
        this.restPort = restPort;
        this.classpathFile = classpathFile.toAbsolutePath();
    }

    public String restAddress() {
        return "127.0.0.1:" + restPort;
    }

    public String webUi() {
        return "http://" + restAddress();
    }

    /** The directory the Flink CLI and the processes read their configuration from. */
    public Path confDir() {
        return dir.resolve("conf");
    }

    public Path checkpointDir() {
        return dir.resolve("checkpoints");
    }

    public Path savepointDir() {
        return dir.resolve("savepoints");
    }

    public String classpath() throws IOException {
        if (!Files.exists(classpathFile)) {
            throw new IOException("no Flink cluster classpath at " + classpathFile + "; run ./tandem build");
        }
        return Files.readString(classpathFile).strip();
    }

    public boolean isRunning() throws IOException {
        return Processes.running(dir.resolve("jobmanager.pid")).isPresent();
    }

    /** Starts the JobManager and {@code taskManagers} TaskManagers, and waits until they have all registered. */
    public void start(int taskManagers, int slotsPerTaskManager) throws Exception {
        if (isRunning()) {
            return;
        }
        for (String sub : new String[] {"conf", "log", "tmp", "checkpoints", "savepoints"}) {
            Files.createDirectories(dir.resolve(sub));
        }
        writeConfig(slotsPerTaskManager);
        startJobManager();
        for (int i = 0; i < taskManagers; i++) {
            startTaskManager();
        }
        awaitTaskManagers(taskManagers, Duration.ofSeconds(120));
    }

    /**
     * Starts the JobManager process (again, after {@link #killJobManager}): the TaskManagers find it
     * at the same address and register anew. Without HA services it knows no job: a job is
     * submitted again from its latest retained checkpoint.
     */
    public void startJobManager() throws Exception {
        Processes.spawn(process(JOBMANAGER, resourceParams("GET_JM_RESOURCE_PARAMS"), "jobmanager"),
                dir.resolve("log/jobmanager.out"), dir.resolve("jobmanager.pid"));
    }

    /** Kills the JobManager the hard way (SIGKILL), as a crashed machine would. */
    public void killJobManager() throws Exception {
        Path pid = dir.resolve("jobmanager.pid");
        Processes.running(pid).ifPresent(p -> {
            p.destroyForcibly();
            p.onExit().join();
        });
        Files.deleteIfExists(pid);
    }

    /** Adds one TaskManager process (as after a machine failure); returns its number. */
    public int startTaskManager() throws Exception {
        int number = 1;
        while (Files.exists(dir.resolve("taskmanager-" + number + ".pid"))) {
            number++;
        }
        String name = "taskmanager-" + number;
        Processes.spawn(process(TASKMANAGER, resourceParams("GET_TM_RESOURCE_PARAMS"), name),
                dir.resolve("log/" + name + ".out"), dir.resolve(name + ".pid"));
        return number;
    }

    /** Kills a TaskManager the hard way (SIGKILL: no shutdown hooks), as a crashed machine would. */
    public void killTaskManager(int number) throws Exception {
        Path pid = dir.resolve("taskmanager-" + number + ".pid");
        Processes.running(pid).ifPresent(p -> {
            p.destroyForcibly();
            p.onExit().join();
        });
        Files.deleteIfExists(pid);
    }

    public void stop() throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            for (Path pid : files.filter(p -> p.getFileName().toString().startsWith("taskmanager-")).toList()) {
                Processes.stop(pid, Duration.ofSeconds(30));
            }
        } catch (java.nio.file.NoSuchFileException notStarted) {
            return;
        }
        Processes.stop(dir.resolve("jobmanager.pid"), Duration.ofSeconds(30));
    }

    /** The REST API's cluster overview: taskmanagers, slots, jobs. */
    public JsonNode overview() throws IOException, InterruptedException {
        return get("/overview");
    }

    /** The jobs the cluster knows, with their state. */
    public JsonNode jobs() throws IOException, InterruptedException {
        return get("/jobs/overview").path("jobs");
    }

    /** One job's details (state, vertices, timestamps). */
    public JsonNode job(String jobId) throws IOException, InterruptedException {
        return get("/jobs/" + jobId);
    }

    public JsonNode get(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(webUi() + path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("GET " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }

    private void writeConfig(int slots) throws IOException {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("jobmanager.rpc.address", "127.0.0.1");
        config.put("jobmanager.bind-host", "127.0.0.1");
        config.put("rest.address", "127.0.0.1");
        config.put("rest.bind-address", "127.0.0.1");
        config.put("rest.port", restPort);
        config.put("jobmanager.rpc.port", restPort + 42); // 8081 -> 8123, away from Kafka's and PostgreSQL's defaults
        config.put("taskmanager.host", "127.0.0.1");
        config.put("taskmanager.bind-host", "127.0.0.1");
        config.put("taskmanager.numberOfTaskSlots", slots);
        config.put("parallelism.default", 2);
        config.put("jobmanager.memory.process.size", "1024m");
        config.put("taskmanager.memory.process.size", "1728m");
        config.put("state.backend.type", "rocksdb");
        config.put("execution.checkpointing.incremental", true);
        config.put("execution.checkpointing.dir", checkpointDir().toUri().toString());
        config.put("execution.checkpointing.savepoint-dir", savepointDir().toUri().toString());
        config.put("io.tmp.dirs", dir.resolve("tmp").toString());
        config.put("web.tmpdir", dir.resolve("tmp").toString());
        config.put("blob.storage.directory", dir.resolve("tmp").toString());
        // A killed TaskManager is noticed in seconds rather than the default 50 s.
        config.put("heartbeat.interval", 2000);
        config.put("heartbeat.timeout", 10000);
        config.put("restart-strategy.type", "exponential-delay");
        config.put("restart-strategy.exponential-delay.initial-backoff", "1s");
        config.put("restart-strategy.exponential-delay.max-backoff", "10s");
        StringBuilder yaml = new StringBuilder("# written by ./tandem cluster start\n");
        config.forEach((k, v) -> yaml.append(k).append(": ").append(v).append('\n'));
        Files.writeString(confDir().resolve("config.yaml"), yaml);
        Files.writeString(confDir().resolve("log4j.properties"), """
                rootLogger.level = INFO
                rootLogger.appenderRef.file.ref = File
                appender.file.name = File
                appender.file.type = File
                appender.file.fileName = ${sys:log.file}
                appender.file.layout.type = PatternLayout
                appender.file.layout.pattern = %d{yyyy-MM-dd HH:mm:ss,SSS} %-5p %-60c %x - %m%n
                logger.pekko.name = org.apache.pekko
                logger.pekko.level = WARN
                logger.kafka.name = org.apache.kafka
                logger.kafka.level = WARN
                """);
        // The CLI warns about YARN and plugin folders a standalone setup does not have; errors still show.
        Files.writeString(confDir().resolve("log4j-cli.properties"), "rootLogger.level = ERROR\n"
                + "rootLogger.appenderRef.console.ref = Console\nappender.console.name = Console\nappender.console.type = Console\n"
                + "appender.console.layout.type = PatternLayout\nappender.console.layout.pattern = %m%n\n");
    }

    /** What Flink's scripts compute for a process: JVM memory options and the matching dynamic properties. */
    private record ResourceParams(List<String> jvmOptions, List<String> dynamicProperties) {}

    /** Asks BashJavaUtils, the utility Flink's own scripts call, for a process's memory settings. */
    private ResourceParams resourceParams(String command) throws IOException, InterruptedException {
        List<String> call = List.of(Processes.javaBinary(), "-cp", classpath(), RESOURCE_PARAMS, command,
                "--configDir", confDir().toString());
        List<List<String>> results = Processes.run(call, Duration.ofMinutes(1)).lines()
                .filter(l -> l.startsWith(RESULT_PREFIX))
                .map(l -> Arrays.stream(l.substring(RESULT_PREFIX.length()).strip().split(" ")).filter(s -> !s.isBlank()).toList())
                .toList();
        if (results.size() < 2) {
            throw new IOException("could not compute Flink's memory settings with " + command);
        }
        return new ResourceParams(results.get(0), results.get(1));
    }

    private List<String> process(String mainClass, ResourceParams resources, String name) throws IOException {
        List<String> cmd = FlinkJvm.command();
        cmd.addAll(resources.jvmOptions());
        cmd.addAll(List.of(
                "-Dlog.file=" + dir.resolve("log/" + name + ".log"),
                "-Dlog4j2.configurationFile=" + confDir().resolve("log4j.properties"),
                "-cp", classpath(), mainClass, "--configDir", confDir().toString()));
        cmd.addAll(resources.dynamicProperties());
        return cmd;
    }

    private void awaitTaskManagers(int expected, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            if (!isRunning()) {
                throw new IOException("the JobManager exited during start; see " + dir.resolve("log"));
            }
            try {
                if (overview().path("taskmanagers").asInt() >= expected) {
                    return;
                }
            } catch (IOException notYet) {
                last = notYet;
            }
            Thread.sleep(500);
        }
        throw new IOException("the cluster did not come up with " + expected + " TaskManagers in " + timeout
                + "; see " + dir.resolve("log"), last);
    }
}
