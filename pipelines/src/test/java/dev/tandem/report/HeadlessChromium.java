package dev.tandem.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Debian's Chromium, headless: the page's DOM after its scripts ran, and a screenshot. */
final class HeadlessChromium {
    private final Path binary;
    private final Path profile;

    HeadlessChromium(Path profile) {
        String configured = System.getenv("TANDEM_CHROMIUM");
        this.binary = Path.of(configured != null ? configured : "/usr/bin/chromium");
        this.profile = profile;
        if (!Files.isExecutable(binary)) {
            throw new IllegalStateException("Chromium not found at " + binary + ": apt-get install chromium (./tandem test does)");
        }
    }

    String renderedDom(Path page) throws IOException, InterruptedException {
        return new String(run(List.of("--dump-dom", page.toUri().toString())), StandardCharsets.UTF_8);
    }

    void screenshot(Path page, Path png) throws IOException, InterruptedException {
        run(List.of("--window-size=1300,2600", "--screenshot=" + png, page.toUri().toString()));
    }

    private byte[] run(List<String> args) throws IOException, InterruptedException {
        // The flags a sandboxed root CI needs, and none of Chromium's background network calls.
        List<String> command = new ArrayList<>(List.of(binary.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + profile));
        command.addAll(args);
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException("chromium failed: " + command);
        }
        return out;
    }
}
