package dev.tandem.local;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The start of the command line of every Flink JVM Tandem launches (cluster processes, the Flink
 * CLI, the SQL client): this Java, with the packages opened that Flink reflects into on Java 17.
 */
public final class FlinkJvm {
    private static final List<String> OPENS = List.of(
            "java.lang", "java.lang.reflect", "java.util", "java.util.concurrent", "java.io", "java.net", "java.nio", "sun.nio.ch");

    private FlinkJvm() {}

    /** {@code java} and the {@code --add-opens} options; callers add theirs, the classpath and the main class. */
    public static List<String> command() {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        OPENS.forEach(p -> cmd.add("--add-opens=java.base/" + p + "=ALL-UNNAMED"));
        return cmd;
    }
}
