package dev.tandem.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.bench.FlinkRest;
import dev.tandem.generate.Generator;
import dev.tandem.generate.Manifest;
import dev.tandem.job.LocalJobOptions;
import dev.tandem.job.StreamingJob;
import dev.tandem.job.StreamingJobOptions;
import dev.tandem.kafka.ConsumerLag;
import dev.tandem.kafka.HistoryReplayer;
import dev.tandem.kafka.Topics;
import dev.tandem.local.LocalPostgres;
import dev.tandem.local.LocalServers;
import dev.tandem.spec.CompiledSpec;
import dev.tandem.spec.SpecCompiler;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The checkpoint storage full (a small tmpfs, filled to the last byte) while the streaming job
 * runs under load: checkpoints fail, visibly (the job's failed-checkpoint count; Flink logs each),
 * a few in a row are tolerated and more make the job restart from its last completed checkpoint;
 * once space returns checkpoints complete again, and the drained job has lost and duplicated
 * nothing. Needs root to mount the tmpfs (CI and these machines run as root).
 */
@ExtendWith(LocalServers.class)
class CheckpointStorageFullITCase {
    private static final String PREFIX = "disk-full-";

    @TempDir
    Path dir;

    @Test
    void aFullCheckpointDiskFailsCheckpointsVisiblyAndCorruptsNothing() throws Exception {
        LocalServers.Servers servers = LocalServers.get();
        String bootstrap = servers.kafka().bootstrapServers();
        LocalPostgres postgres = servers.postgres();
        CompiledSpec spec = SpecCompiler.load(null);
        Path history = dir.resolve("history");
        Manifest manifest = new Generator(new Generator.Options(history, 60_000, 61, 0.02, Generator.DEFAULT_START), spec).run();
        Path disk = Files.createDirectories(dir.resolve("checkpoint-disk"));
        run("mount", "-t", "tmpfs", "-o", "size=48m", "tmpfs", disk.toString());
        try {
            StreamingJobOptions options = LocalJobOptions.withPrefix(PREFIX, false, disk.toUri(), "rocksdb");
            Topics.ensure(bootstrap, Map.of(options.transactionsTopic(), 1, options.labelsTopic(), 1));
            RecoveryChecks.resetOnlineStore(options, spec);
            int restPort = freePort();
            Configuration rest = new Configuration();
            rest.setString("rest.bind-port", String.valueOf(restPort));
            rest.setString("rest.bind-address", "127.0.0.1");
            JobClient job = StreamingJob.start(options, spec, null, rest);
            FlinkRest flink = new FlinkRest("http://127.0.0.1:" + restPort, job.getJobID().toHexString());
            ExecutorService producing = Executors.newSingleThreadExecutor();
            Future<Long> replay = producing.submit(() -> new HistoryReplayer(bootstrap, 1_000)
                    .replay(history.resolve(Generator.TRANSACTIONS_FILE), options.transactionsTopic()));
            try {
                await("three completed checkpoints", () -> flink.checkpointCounts()[0] >= 3);
                long completedBefore = flink.checkpointCounts()[0];
                Path filler = disk.resolve("filler");
                fill(filler);
                await("failed checkpoints while the disk is full", () -> flink.checkpointCounts()[1] >= 3);
                assertThat(job.getJobStatus().get(10, TimeUnit.SECONDS)).isNotIn(JobStatus.FAILED, JobStatus.CANCELED);
                long failed = flink.checkpointCounts()[1];
                Files.delete(filler);
                await("checkpoints complete again once space returns", () -> flink.checkpointCounts()[0] > completedBefore + 2);
                System.out.printf("checkpoint storage full: %d failed checkpoints, %d restarts, then completing again%n", failed,
                        flink.restarts());
                replay.get(3, TimeUnit.MINUTES);
                ConsumerLag.awaitCaughtUp(bootstrap, options.groupId(), options.transactionsTopic(), Duration.ofMinutes(3));
                job.stopWithSavepoint(true, dir.resolve("savepoints").toUri().toString(), SavepointFormatType.DEFAULT)
                        .get(3, TimeUnit.MINUTES);
            } finally {
                producing.shutdownNow();
                try {
                    job.cancel().get(30, TimeUnit.SECONDS);
                } catch (Exception alreadyEnded) {
                    // drained: the job and its embedded cluster are gone
                }
            }
            RecoveryChecks.assertNothingLostOrDuplicated(options, spec, history, manifest, dir);
        } finally {
            run("umount", "-l", disk.toString());
        }
    }

    /** Writes until the file system has no byte left. */
    private static void fill(Path filler) throws IOException {
        byte[] block = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(filler)) {
            while (true) {
                out.write(block);
            }
        } catch (IOException full) {
            if (!String.valueOf(full.getMessage()).contains("No space left")) {
                throw full;
            }
        }
    }

    private static void await(String what, LongSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (condition.getAsLong() == 0) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + ": not within 2 minutes");
            }
            Thread.sleep(250);
        }
    }

    private interface Condition {
        boolean holds();
    }

    private static void await(String what, Condition condition) throws InterruptedException {
        await(what, () -> condition.holds() ? 1L : 0L);
    }

    private static void run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed (this test mounts a tmpfs: it needs root): " + output);
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
