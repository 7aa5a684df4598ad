package dev.tandem.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.generate.Generator;
import dev.tandem.ingest.Ingested;
import dev.tandem.ingest.InputFiles;
import dev.tandem.parity.ParityChecker;
import dev.tandem.parity.ParityReport;
import dev.tandem.spec.CompiledSpec;
import dev.tandem.spec.SpecCompiler;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Streaming mode over several files: each file makes its own watermark, which moves while the
 * file is read, so events wait for the bound rather than for the whole input; the readers take
 * the files earliest first, whatever their names, and no file's watermark passes the start of a
 * file still to come. The values stay those of batch mode, also when files overlap in time.
 */
class StreamingOverFilesITCase {
    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    @TempDir
    Path dir;

    private CompiledSpec spec;
    private List<String> lines;

    @BeforeEach
    void generate() throws IOException {
        spec = SpecCompiler.load(null);
        new Generator(new Generator.Options(dir.resolve("history"), 30_000, 23, 0.05, Generator.DEFAULT_START), spec).run();
        lines = Files.readAllLines(dir.resolve("history").resolve(Generator.TRANSACTIONS_FILE));
    }

    @Test
    void filesNamedAgainstTimeOrderGiveBatchValues() throws Exception {
        assertStreamingEqualsBatch(chunksNamedAgainstTimeOrder(6));
    }

    @Test
    void filesOverlappingInTimeGiveBatchValues() throws Exception {
        Path input = Files.createDirectories(dir.resolve("interleaved"));
        List<List<String>> parts = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        for (int i = 0; i < lines.size(); i++) {
            parts.get(i % 3).add(lines.get(i));
        }
        for (int i = 0; i < parts.size(); i++) {
            write(input.resolve("transactions-" + i + ".jsonl"), parts.get(i));
        }
        assertStreamingEqualsBatch(input);
    }

    @Test
    void theWatermarkMovesWhileTheFilesAreRead() throws Exception {
        Path input = chunksNamedAgainstTimeOrder(4);
        Configuration conf = new Configuration();
        conf.setString("execution.runtime-mode", "streaming");
        conf.setString("pipeline.auto-watermark-interval", "5 ms");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        // For each clean event: whether the watermark had already moved when it arrived.
        List<Boolean> movedOnArrival = Sources.events(env, spec, InputFiles.find(input, spec.filesGlob), FeatureRuns.SECRET)
                .process(new WatermarkOnArrival()).returns(Types.BOOLEAN).executeAndCollect(lines.size());
        long moved = movedOnArrival.stream().filter(b -> b).count();
        assertThat(movedOnArrival).hasSizeGreaterThan(lines.size() * 9 / 10);
        // Waiting for the end of the input, no event would arrive after the watermark moved.
        assertThat(moved).as("events read after the watermark started to move, of %d", movedOnArrival.size())
                .isGreaterThan(movedOnArrival.size() / 2);
    }

    private void assertStreamingEqualsBatch(Path input) throws Exception {
        RunSummary batch = FeatureRuns.run("batch", input, dir.resolve("batch"), spec);
        RunSummary streaming = FeatureRuns.run("streaming", input, dir.resolve("streaming"), spec);
        assertThat(streaming.featureRows()).isEqualTo(batch.featureRows()).isGreaterThan(lines.size() * 9 / 10);
        assertThat(streaming.deadLettersByReason()).isEqualTo(batch.deadLettersByReason());
        ParityReport parity = ParityChecker.compare(dir.resolve("batch"), dir.resolve("streaming"));
        assertThat(parity.passed()).as(parity.render()).isTrue();
        assertThat(parity.matched).isEqualTo(batch.featureRows());
    }

    /** The history in {@code files} consecutive chunks, the earliest in the file named last. */
    private Path chunksNamedAgainstTimeOrder(int files) throws IOException {
        Path input = Files.createDirectories(dir.resolve("chunks"));
        int chunk = (lines.size() + files - 1) / files;
        for (int i = 0; i < files; i++) {
            write(input.resolve("transactions-" + (files - 1 - i) + ".jsonl"), lines.subList(i * chunk, Math.min(lines.size(), (i + 1) * chunk)));
        }
        return input;
    }

    private static void write(Path file, List<String> lines) throws IOException {
        try (BufferedWriter out = Files.newBufferedWriter(file)) {
            for (String line : lines) {
                out.write(line);
                out.newLine();
            }
        }
    }

    private static final class WatermarkOnArrival extends ProcessFunction<Ingested, Boolean> {
        @Override
        public void processElement(Ingested record, Context ctx, Collector<Boolean> out) {
            if (record.isEvent()) {
                out.collect(ctx.timerService().currentWatermark() != Long.MIN_VALUE);
            }
        }
    }
}
