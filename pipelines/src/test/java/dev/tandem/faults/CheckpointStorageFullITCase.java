package dev.tandem.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.generate.Generator;
import dev.tandem.generate.Manifest;
import dev.tandem.job.LocalJobOptions;
import dev.tandem.job.StreamingJobOptions;
import dev.tandem.kafka.ConsumerLag;
import dev.tandem.kafka.HistoryReplayer;
import dev.tandem.kafka.Topics;
import dev.tandem.local.LocalServers;
import dev.tandem.spec.CompiledSpec;
import dev.tandem.spec.SpecCompiler;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobStatus;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The checkpoint storage full (a small tmpfs, filled to the last byte) while the streaming job
 * runs under load, with either state backend: checkpoints fail, visibly (the job's failed-checkpoint
 * count; Flink logs each). A failure in a checkpoint's asynchronous part (all of a heap checkpoint)
 * is tolerated five times in a row, the sixth makes the job restart from its last completed
 * checkpoint; with RocksDB the timers are written in the synchronous part, and a failed write there
 * fails the job over at once. Either way checkpoints complete again once space returns, and the
 * drained job has lost and duplicated nothing. Needs root to mount the tmpfs (CI and these machines run as root).
 */
@ExtendWith(LocalServers.class)
class CheckpointStorageFullITCase {
    private static final String PREFIX = "disk-full-";
    /** Failed checkpoints in a row the job tolerates (StreamingJob's setting, which the README states). */
    private static final int TOLERATED = 5;
    /** How Flink's checkpoint failure manager names the failure when a run of failed checkpoints goes over the tolerance. */
    private static final String TOLERANCE_EXCEEDED = "Exceeded checkpoint tolerable failure threshold";

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"rocksdb", "hashmap"})
    void aFullCheckpointDiskFailsCheckpointsVisiblyAndCorruptsNothing(String backend) throws Exception {
        LocalServers.Servers servers = LocalServers.get();
        String bootstrap = servers.kafka().bootstrapServers();
        CompiledSpec spec = SpecCompiler.load(null);
        Path history = dir.resolve("history");
        Manifest manifest = new Generator(new Generator.Options(history, 60_000, 61, 0.02, Generator.DEFAULT_START), spec).run();
        Path disk = Files.createDirectories(dir.resolve("checkpoint-disk"));
        run("mount", "-t", "tmpfs", "-o", "size=256m", "tmpfs", disk.toString());
        try {
            StreamingJobOptions options = LocalJobOptions.withPrefix(PREFIX + backend + "-", false, disk.toUri(), backend);
            Topics.ensure(bootstrap, Map.of(options.transactionsTopic(), 1, options.labelsTopic(), 1));
            RecoveryChecks.resetOnlineStore(options, spec);
            ExecutorService producing = Executors.newSingleThreadExecutor();
            try (WatchedJob job = WatchedJob.start(options, spec)) {
                Future<Long> replay = producing.submit(() -> new HistoryReplayer(bootstrap, 1_000)
                        .replay(history.resolve(Generator.TRANSACTIONS_FILE), options.transactionsTopic()));
                await("three completed checkpoints", () -> job.completedCheckpoints() >= 3);
                assertThat(job.status()).isEqualTo(JobStatus.RUNNING);
                long restartsBefore = job.restarts();
                long failedBefore = job.failedCheckpoints();
                Path filler = disk.resolve("filler");
                fill(filler);
                if (backend.equals("hashmap")) {
                    // Every byte of a heap checkpoint is written in its asynchronous part: failures there
                    // are tolerated, up to TOLERATED in a row, with the job running where it is...
                    await("failed checkpoints while the disk is full", () -> job.failedCheckpoints() >= failedBefore + 3);
                    assertThat(job.restarts()).as("restarts after 3 failed checkpoints in a row: %s", job).isEqualTo(restartsBefore);
                }
                // ...and one more fails the job over to its last completed checkpoint. With RocksDB, the
                // feature operators' timers (heap timers) are written in the synchronous part, where a
                // failed write fails the task: the job fails over at the first checkpoint that cannot write.
                await("a restart while the disk is full", () -> job.restarts() > restartsBefore);
                await("the restart's cause", () -> !job.failures().isEmpty());
                if (backend.equals("hashmap")) {
                    // The failure counter restarts at a completed checkpoint, so one failure of the run may
                    // precede the fill: at least TOLERATED failed on the full disk, and the cause says the run
                    // went over the threshold (not a task failing on its own).
                    await("at least " + TOLERATED + " failed checkpoints on the full disk",
                            () -> job.failedCheckpoints() - failedBefore >= TOLERATED);
                    assertThat(job.failures()).as("the restart's cause").anyMatch(failure -> failure.contains(TOLERANCE_EXCEEDED));
                } else {
                    await("a failed checkpoint on the full disk", () -> job.failedCheckpoints() > failedBefore);
                    assertThat(job.failures()).as("the restart's cause: a task failed writing its timers")
                            .noneMatch(failure -> failure.contains(TOLERANCE_EXCEEDED));
                }
                long completedBefore = job.completedCheckpoints();
                Files.delete(filler);
                await("checkpoints complete again once space returns", () -> job.completedCheckpoints() > completedBefore + 2);
                assertThat(job.restoredCheckpoint()).as("the checkpoint the job restarted from: %s", job).isPositive();
                System.out.printf("checkpoint storage full (%s): %s%n", backend, job);
                replay.get(3, TimeUnit.MINUTES);
                ConsumerLag.awaitCaughtUp(bootstrap, options.groupId(), options.transactionsTopic(), Duration.ofMinutes(3));
                job.drain(dir.resolve("savepoints"));
            } finally {
                producing.shutdownNow();
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

    private interface Condition {
        boolean holds() throws Exception;
    }

    /** Polls: the REST API serves checkpoint statistics from a cache, so they may trail the restart they explain. */
    private static void await(String what, Condition condition) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (!condition.holds()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + ": not within 2 minutes");
            }
            Thread.sleep(250);
        }
    }

    private static void run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed (this test mounts a tmpfs: it needs root): " + output);
        }
    }

}
