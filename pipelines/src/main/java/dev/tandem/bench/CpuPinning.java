package dev.tandem.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Which cores a benchmark's processes may run on (Linux {@code taskset}): the measured server alone
 * on core 0, everything else on the other cores, so the server's latency is its own and not the
 * time it waited for a core the load generator or the job held. With one core, or without taskset,
 * nothing is pinned and {@link #describe} says so.
 */
final class CpuPinning {
    private final boolean enabled;
    private final String others;
    private final List<Long> pinned = new ArrayList<>();

    private CpuPinning(boolean enabled, String others) {
        this.enabled = enabled;
        this.others = others;
    }

    /** Core 0 for the server, cores 1 to n-1 for the rest (when there are two or more and taskset runs). */
    static CpuPinning serverAlone() {
        int cores = Runtime.getRuntime().availableProcessors();
        boolean enabled = cores >= 2 && tasksetWorks();
        return new CpuPinning(enabled, cores == 2 ? "1" : "1-" + (cores - 1));
    }

    /**
     * This JVM (the job, the live events), every process it started, and the given servers (local
     * Kafka, PostgreSQL) with theirs, onto the other cores.
     */
    void pinOthers(List<ProcessHandle> servers) throws Exception {
        if (!enabled) {
            return;
        }
        List<ProcessHandle> processes = new ArrayList<>();
        for (ProcessHandle root : concat(ProcessHandle.current(), servers)) {
            processes.add(root);
            root.descendants().forEach(processes::add);
        }
        for (ProcessHandle p : processes) {
            Process taskset = new ProcessBuilder("taskset", "-a", "-p", "-c", others, String.valueOf(p.pid()))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (taskset.waitFor(10, TimeUnit.SECONDS) && taskset.exitValue() == 0) {
                pinned.add(p.pid());
            }
        }
    }

    private static List<ProcessHandle> concat(ProcessHandle first, List<ProcessHandle> rest) {
        List<ProcessHandle> all = new ArrayList<>(List.of(first));
        all.addAll(rest);
        return all;
    }

    /** The command prefix that starts the server on its own core. */
    List<String> forServer() {
        return enabled ? List.of("taskset", "-c", "0") : List.of();
    }

    /** The command prefix that starts another process (the load generator) on the other cores. */
    List<String> forOthers() {
        return enabled ? List.of("taskset", "-c", others) : List.of();
    }

    String describe() {
        return enabled ? "server pinned to core 0; the load generator and " + pinned.size()
                + " other processes (the job's JVM, Kafka, PostgreSQL and theirs) on cores " + others : "not pinned (one core, or no taskset)";
    }

    private static boolean tasksetWorks() {
        try {
            Process p = new ProcessBuilder("taskset", "-p", String.valueOf(ProcessHandle.current().pid()))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (Exception e) {
            return false;
        }
    }
}
