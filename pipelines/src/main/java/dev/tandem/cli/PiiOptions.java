package dev.tandem.cli;

import dev.tandem.udfs.logic.Pseudonymizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The key of the PII pseudonyms: from a file (a mounted Kubernetes Secret), else TANDEM_PII_SECRET.
 * Commands that write shared stores (stream, erase) require it; runs over local files and the demo
 * fall back to a development key, said loudly, so a first try needs no set-up.
 */
final class PiiOptions {
    /** Used only when no key is configured, for local runs; real data must set its own. */
    static final String DEVELOPMENT_SECRET = "tandem-development-secret-not-for-real-data";

    private static boolean warned;

    @Option(names = "--pii-secret-file", paramLabel = "FILE", defaultValue = "${env:TANDEM_PII_SECRET_FILE}",
            description = "File holding the HMAC key of PII pseudonyms (default: TANDEM_PII_SECRET_FILE, else the "
                    + "TANDEM_PII_SECRET variable).")
    Path secretFile;

    /** The configured key, or null. */
    String configured() {
        if (secretFile != null) {
            try {
                String secret = Files.readString(secretFile).strip();
                if (secret.isEmpty()) {
                    throw new UsageError("the PII key file " + secretFile + " is empty");
                }
                return secret;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the PII key file " + secretFile, e);
            }
        }
        return Pseudonymizer.resolveSecret(null);
    }

    /** The key; without one the command refuses to run (shared stores must never hold development pseudonyms). */
    String required(String command) {
        String secret = configured();
        if (secret == null) {
            throw new UsageError(command + " needs the PII key: set " + Pseudonymizer.SECRET_ENV
                    + " or TANDEM_PII_SECRET_FILE, or pass --pii-secret-file");
        }
        return secret;
    }

    /** The key, else the development key with a warning (local files, demo). */
    String orDevelopmentKey() {
        String secret = configured();
        if (secret != null) {
            return secret;
        }
        if (!warned) {
            warned = true;
            System.err.println("tandem: " + Pseudonymizer.SECRET_ENV + " is not set; pseudonymising with the development key "
                    + "(fine for generated data, never for real data; stream and erase refuse to run without a key)");
        }
        return DEVELOPMENT_SECRET;
    }

    /** Whether pseudonyms are made with the development key (said in run summaries). */
    boolean developmentKey() {
        return configured() == null;
    }
}
