package dev.tandem.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JMH micro-benchmarks (module {@code bench}): the cleaning UDFs, a record through the cleaner
 * against parsing its JSON alone, and the feature calculator per event by history size. JMH runs in
 * its own JVM, as it must; this reads its JSON results.
 */
public final class MicroBenchmark {
    private MicroBenchmark() {}

    /** Runs every benchmark of the module; returns "name -> ns/op". */
    public static Map<String, Double> run(Path home, Path workDir, Path results, String command) throws Exception {
        Path classpathFile = home.resolve("bench/target/jmh.classpath");
        Path classes = home.resolve("bench/target/classes");
        if (!Files.exists(classpathFile) || !Files.isDirectory(classes)) {
            throw new IOException("the JMH module is not built; run ./tandem build");
        }
        Files.createDirectories(workDir);
        Path json = workDir.resolve("jmh-results.json");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", classes + ":" + Files.readString(classpathFile).strip(),
                "org.openjdk.jmh.Main", "-rf", "json", "-rff", json.toString()));
        Process jmh = new ProcessBuilder(cmd).inheritIO().start();
        if (jmh.waitFor() != 0) {
            throw new IOException("JMH exited " + jmh.exitValue());
        }
        Map<String, Double> scores = new LinkedHashMap<>();
        for (JsonNode run : new ObjectMapper().readTree(json.toFile())) {
            String name = run.path("benchmark").asText().replaceFirst("^dev\\.tandem\\.jmh\\.", "");
            JsonNode size = run.path("params").path("historySize");
            scores.put(name + (size.isMissingNode() ? "" : " (history " + size.asText() + ")"),
                    run.path("primaryMetric").path("score").asDouble());
        }
        ResultsLog.append(results, "micro", ResultsLog.versions("JMH 1.37"), "synthetic records and histories", command, render(scores));
        return scores;
    }

    /**
     * The feature language's forms against the plain group of the same run (per history size), and
     * each form's growth from 10 to 100,000 events in the window (flat: the O(1) forms within 2x).
     */
    static String languageRatios(Map<String, Double> scores) {
        StringBuilder out = new StringBuilder();
        String prefix = "FeatureLanguageBenchmarks.";
        for (String form : List.of("whereEvent", "last5Event", "last100Event", "percentileEvent", "lifetimeEvent")) {
            Double small = scores.get(prefix + form + " (history 10)");
            Double large = scores.get(prefix + form + " (history 100000)");
            Double plain = scores.get(prefix + "plainEvent (history 100000)");
            if (small != null && large != null && plain != null) {
                out.append(String.format("; %s: %.2f x the plain group at 100,000 events, 100,000 / 10 events = %.2f",
                        form, large / plain, large / small));
            }
        }
        return out.toString();
    }

    public static String render(Map<String, Double> scores) {
        StringBuilder out = new StringBuilder();
        scores.forEach((name, ns) -> out.append(String.format("%s %,.0f ns/op; ", name, ns)));
        Double clean = scores.get("CleaningBenchmarks.cleanRecord");
        Double parse = scores.get("CleaningBenchmarks.jsonParseOnly");
        if (clean != null && parse != null) {
            out.append(String.format("a whole record cleaned = %.1f x parsing its JSON alone", clean / parse));
        }
        out.append(languageRatios(scores));
        Double walker = scores.get("ScoringBenchmarks.scoreVector");
        Double pmml = scores.get("ScoringBenchmarks.scoreVectorPmml");
        if (walker != null && pmml != null) {
            out.append(String.format("; one vector scored by an XGBoost model of 100 trees of depth 6: %.1f us with Tandem's tree walker,"
                    + " %.1f us with the JPMML evaluator (%.1f x)", walker / 1000, pmml / 1000, pmml / walker));
        }
        return out.toString();
    }
}
