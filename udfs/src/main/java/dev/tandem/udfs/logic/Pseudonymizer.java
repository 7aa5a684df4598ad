package dev.tandem.udfs.logic;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Keyed pseudonymisation: HMAC-SHA256 of the value under a secret, as 32 hex characters (128
 * bits). The same secret gives the same pseudonym everywhere (so it can be a join and entity
 * key); without the secret a pseudonym cannot be reversed by hashing candidate card numbers, which
 * a bare hash would allow. Not thread-safe: one instance per task or thread.
 */
public final class Pseudonymizer {

    /** Environment variable read when no secret is configured explicitly. */
    public static final String SECRET_ENV = "TANDEM_PII_SECRET";

    private static final char[] HEX = "0123456789abcdef".toCharArray();
    private static final int OUTPUT_BYTES = 16;

    private final Mac mac;

    public Pseudonymizer(String secret) {
        if (secret == null || secret.isEmpty()) {
            throw new IllegalArgumentException(
                    "a PII secret is required: set " + SECRET_ENV + " or pass it in the configuration");
        }
        try {
            mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    /**
     * The secret to use: the configured one if set, else the environment's {@value #SECRET_ENV},
     * else {@code null}.
     */
    public static String resolveSecret(String configured) {
        if (configured != null && !configured.isEmpty()) {
            return configured;
        }
        String env = System.getenv(SECRET_ENV);
        return env == null || env.isEmpty() ? null : env;
    }

    /** The pseudonym of a value, or {@code null} for {@code null}. */
    public String pseudonymize(String value) {
        if (value == null) {
            return null;
        }
        byte[] digest = mac.doFinal(value.getBytes(StandardCharsets.UTF_8));
        char[] out = new char[OUTPUT_BYTES * 2];
        for (int i = 0; i < OUTPUT_BYTES; i++) {
            out[2 * i] = HEX[(digest[i] >> 4) & 0xf];
            out[2 * i + 1] = HEX[digest[i] & 0xf];
        }
        return new String(out);
    }
}
