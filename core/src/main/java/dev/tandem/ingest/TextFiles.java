package dev.tandem.ingest;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Users' text files read as the jobs read them (Flink's text line format): UTF-8 with bytes that are
 * not UTF-8 replaced, lines ended by \n, \r or \r\n. Counting, replaying or checking a file must
 * see the same records the job sees, and a bad byte must be a bad record, never an exception.
 */
public final class TextFiles {
    private TextFiles() {}

    public static BufferedReader reader(Path file) throws IOException {
        return new BufferedReader(new InputStreamReader(Files.newInputStream(file), StandardCharsets.UTF_8));
    }
}
