package dev.tandem.lineage;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamNode;

/** Where lineage events go: one JSON line each, appended to a file (a topic is written by the streaming job). */
public final class LineageLog {
    public static final String FILE = "_lineage.jsonl";

    private LineageLog() {}

    public static void append(Path file, String event) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, event + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    /** A run that can fail. */
    public interface Run<T> {
        T call() throws Exception;
    }

    /** Runs a job between its START event and its COMPLETE (or FAIL) event. */
    public static <T> T around(Path file, LineageEvent event, Run<T> job) throws Exception {
        append(file, event.render("START"));
        try {
            T result = job.call();
            append(file, event.render("COMPLETE"));
            return result;
        } catch (Exception e) {
            append(file, event.render("FAIL"));
            throw e;
        }
    }

    /** The uids of the operators a job defined so far, in graph order: the transformations a lineage event names. */
    public static List<String> operatorUids(StreamExecutionEnvironment env) {
        List<String> uids = new ArrayList<>();
        List<StreamNode> nodes = new ArrayList<>(env.getStreamGraph(false).getStreamNodes());
        nodes.sort(java.util.Comparator.comparingInt(StreamNode::getId));
        for (StreamNode node : nodes) {
            if (node.getTransformationUID() != null) {
                uids.add(node.getTransformationUID());
            }
        }
        return uids;
    }
}
