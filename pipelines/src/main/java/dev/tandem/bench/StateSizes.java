package dev.tandem.bench;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.flink.runtime.checkpoint.Checkpoints;
import org.apache.flink.runtime.checkpoint.OperatorState;
import org.apache.flink.runtime.checkpoint.metadata.CheckpointMetadata;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.streaming.api.graph.StreamGraphHasherV2;

/** Operator state sizes in a retained checkpoint, by operator uid (Flink derives operator ids from uids). */
final class StateSizes {
    private StateSizes() {}

    /** The full state size (incremental checkpoints included) per uid in the newest checkpoint under {@code dir}. */
    static Map<String, Long> newest(Path dir, List<String> uids) throws IOException {
        Optional<Path> metadata;
        try (Stream<Path> files = Files.walk(dir)) {
            metadata = files.filter(p -> p.getFileName().toString().equals("_metadata"))
                    .max(Comparator.comparingLong(p -> p.toFile().lastModified()));
        }
        if (metadata.isEmpty()) {
            throw new IOException("no retained checkpoint under " + dir);
        }
        CheckpointMetadata checkpoint;
        try (InputStream in = Files.newInputStream(metadata.get())) {
            checkpoint = Checkpoints.loadCheckpointMetadata(new DataInputStream(in), StateSizes.class.getClassLoader(),
                    metadata.get().getParent().toString());
        }
        Map<String, Long> sizes = new LinkedHashMap<>();
        for (String uid : uids) {
            OperatorID id = new OperatorID(StreamGraphHasherV2.generateUserSpecifiedHash(uid));
            sizes.put(uid, checkpoint.getOperatorStates().stream().filter(s -> s.getOperatorID().equals(id))
                    .mapToLong(OperatorState::getStateSize).sum());
        }
        return sizes;
    }
}
