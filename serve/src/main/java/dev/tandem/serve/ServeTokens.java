package dev.tandem.serve;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The bearer tokens a request may carry: one per line of {@code TANDEM_SERVE_TOKENS_FILE} (a mounted
 * Secret), or comma-separated in {@code TANDEM_SERVE_TOKENS}. Compared in constant time.
 */
public final class ServeTokens {
    public static final String FILE_ENV = "TANDEM_SERVE_TOKENS_FILE";
    public static final String LIST_ENV = "TANDEM_SERVE_TOKENS";

    private final List<byte[]> tokens;

    private ServeTokens(List<String> tokens) {
        this.tokens = tokens.stream().map(t -> t.getBytes(StandardCharsets.UTF_8)).toList();
    }

    /** The tokens the environment configures; an empty set when none (the caller refuses to start). */
    public static ServeTokens fromEnvironment(Map<String, String> env) throws IOException {
        List<String> tokens = new ArrayList<>();
        String file = env.get(FILE_ENV);
        if (file != null && !file.isBlank()) {
            for (String line : Files.readAllLines(Path.of(file))) {
                if (!line.isBlank()) {
                    tokens.add(line.strip());
                }
            }
        }
        String list = env.get(LIST_ENV);
        if (list != null) {
            for (String t : list.split(",")) {
                if (!t.isBlank()) {
                    tokens.add(t.strip());
                }
            }
        }
        return new ServeTokens(tokens);
    }

    public boolean isEmpty() {
        return tokens.isEmpty();
    }

    /** Whether an {@code Authorization} header value carries one of the tokens. */
    public boolean allows(String authorization) {
        if (authorization == null || !authorization.startsWith("Bearer ")) {
            return false;
        }
        byte[] given = authorization.substring("Bearer ".length()).strip().getBytes(StandardCharsets.UTF_8);
        boolean match = false;
        for (byte[] token : tokens) {
            match |= MessageDigest.isEqual(token, given);
        }
        return match;
    }
}
