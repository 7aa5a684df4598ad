package dev.tandem.model;

/** A model file that cannot be scored as it is: the message is one line saying which file and why. */
public final class ModelFileException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ModelFileException(String message) {
        super(message);
    }
}
