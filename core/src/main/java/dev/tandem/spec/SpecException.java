package dev.tandem.spec;

/** A feature spec that cannot be run, with a message that says where and why. */
public class SpecException extends RuntimeException {
    public SpecException(String message) {
        super(message);
    }
}
