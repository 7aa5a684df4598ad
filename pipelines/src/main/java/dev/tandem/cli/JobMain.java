package dev.tandem.cli;

/**
 * The job jar's entry point, for {@code flink run}: the job commands of {@link TandemCli}, but a
 * failure is thrown to the Flink CLI (which reports it and exits non-zero) instead of calling
 * {@code System.exit} inside the client.
 */
public final class JobMain {
    private JobMain() {}

    public static void main(String[] args) {
        int exit = TandemCli.jobCommandLine().execute(args);
        if (exit != 0) {
            throw new IllegalStateException("tandem " + String.join(" ", args) + " exited " + exit);
        }
    }
}
