package dev.tandem.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.generate.Generator;
import dev.tandem.kafka.Topics;
import dev.tandem.spec.CompiledSpec;
import dev.tandem.spec.SpecCompiler;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.TreeSet;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamEdge;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.apache.flink.streaming.runtime.partitioner.KeyGroupStreamPartitioner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The keyed exchanges of the batch and streaming jobs, read from their graphs: every operator that
 * takes a hash-partitioned input is a shuffle of what reaches it (and in batch mode a full sort).
 * Each is listed by name, so a change cannot add one back silently; a change that removes one says
 * so here. Before the groups formed a chain: batch 5 (a vector-assembly stage), streaming 8 (that,
 * an online-store writer per group keyed again, and a lag watch keyed by partition).
 */
class JobGraphShufflesTest {
    @TempDir
    Path dir;

    @Test
    void theBatchJobsKeyedStages() throws Exception {
        CompiledSpec spec = SpecCompiler.load(null);
        new Generator(new Generator.Options(dir.resolve("history"), 100, 1, 0.0, Generator.DEFAULT_START), spec).run();
        FeaturesJobOptions options = new FeaturesJobOptions("batch", dir.resolve("history"), dir.resolve("out"), null, 2,
                FeatureRuns.SECRET, "rocksdb", 500);
        StreamExecutionEnvironment env = FeaturesJob.define(options, spec, FeatureWorkflow.Options.of(spec, FeatureRuns.SECRET));
        // Deduplication by event id, one stage per entity group (a chain: no vector assembly), date routing.
        assertThat(keyedStages(env.getStreamGraph())).containsExactly("deduplicate", "feature-table: Writer", "features-card",
                "features-merchant");
    }

    @Test
    void theStreamingJobsKeyedStages() throws Exception {
        CompiledSpec spec = SpecCompiler.load(null);
        StreamingJobOptions options = new StreamingJobOptions("127.0.0.1:9", "g", Topics.TRANSACTIONS, Topics.LABELS, Topics.FEATURES,
                Topics.DEAD_LETTERS, Topics.ALERTS, Topics.LINEAGE, Topics.ERASURES, false, "jdbc:postgresql://127.0.0.1:9/tandem", "u",
                "p", 2, Duration.ofSeconds(1), dir.resolve("checkpoints").toUri(), "rocksdb", FeatureRuns.SECRET);
        StreamExecutionEnvironment env = StreamingJob.graph(options, spec, null, new Configuration());
        // Each group's online rows are written by its own stage's subtasks (already keyed by the entity); the lag
        // watch runs chained behind the source.
        assertThat(keyedStages(env.getStreamGraph())).containsExactly("deduplicate", "features-card", "features-merchant",
                "online-labels: Writer");
    }

    /** The operators with a hash-partitioned input, by name, sorted. */
    static List<String> keyedStages(StreamGraph graph) {
        TreeSet<String> stages = new TreeSet<>();
        for (StreamNode node : graph.getStreamNodes()) {
            for (StreamEdge in : node.getInEdges()) {
                if (in.getPartitioner() instanceof KeyGroupStreamPartitioner<?, ?>) {
                    stages.add(node.getOperatorName());
                }
            }
        }
        return List.copyOf(stages);
    }
}
