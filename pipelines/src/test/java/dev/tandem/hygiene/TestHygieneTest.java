package dev.tandem.hygiene;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Keeps two kinds of weak test from coming back into any module: a test that skips itself (a
 * green run that checked nothing), and a fixed sleep standing in for a wait on an observable effect
 * (it flakes on a loaded machine). A sleep is allowed only as the pause of a polling loop.
 */
class TestHygieneTest {
    private static final Path HOME = Path.of(System.getProperty("tandem.home", "..")).toAbsolutePath().normalize();
    private static final Pattern SKIPS = Pattern.compile("\\bAssumptions\\.|\\bassume(True|False|That)\\(|@Disabled\\b");
    private static final Pattern SLEEP = Pattern.compile("\\bThread\\.sleep\\(");
    private static final Pattern LOOP = Pattern.compile("\\b(while|for)\\s*\\(|\\bdo\\s*\\{");

    @Test
    void noTestSkipsItselfOrSleepsOutsideAPollingLoop() throws IOException {
        List<String> problems = new ArrayList<>();
        List<Path> sources = testSources();
        assertThat(sources).as("test sources found").hasSizeGreaterThan(40);
        for (Path file : sources) {
            if (file.getFileName().toString().equals("TestHygieneTest.java")) {
                continue;
            }
            List<String> lines = Files.readAllLines(file);
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                if (SKIPS.matcher(line).find()) {
                    problems.add(HOME.relativize(file) + ":" + (i + 1) + " skips: " + line.strip());
                }
                if (SLEEP.matcher(line).find() && !insideLoop(lines, i)) {
                    problems.add(HOME.relativize(file) + ":" + (i + 1) + " sleeps outside a polling loop: " + line.strip());
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    /** A loop opens within the fifteen lines above the sleep, and the sleep is nested deeper than it. */
    private static boolean insideLoop(List<String> lines, int at) {
        int indent = indent(lines.get(at));
        for (int i = at - 1; i >= Math.max(0, at - 15); i--) {
            if (LOOP.matcher(lines.get(i)).find() && indent(lines.get(i)) < indent) {
                return true;
            }
        }
        return false;
    }

    private static int indent(String line) {
        return line.length() - line.stripLeading().length();
    }

    /** Every module's src/test/java (modules are the parent pom's, two levels deep at most). */
    private static List<Path> testSources() throws IOException {
        List<Path> sources = new ArrayList<>();
        try (Stream<Path> dirs = Stream.concat(Files.list(HOME), Files.list(HOME.resolve("deploy")))) {
            for (Path testDir : dirs.map(d -> d.resolve("src/test/java")).filter(Files::isDirectory).toList()) {
                try (Stream<Path> files = Files.walk(testDir)) {
                    files.filter(p -> p.toString().endsWith(".java")).forEach(sources::add);
                }
            }
        }
        return sources;
    }
}
