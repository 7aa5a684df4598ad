package dev.tandem.cli;

/** A request the user can fix (a bad spec, a missing directory): one line, exit code 2. */
final class UsageError extends RuntimeException {
    UsageError(String message) {
        super(message);
    }
}
