package dev.tandem.model;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * XGBoost itself, through the scripts under {@code models/} and Debian's python3-xgboost (which
 * {@code ./tandem test} installs; {@code TANDEM_PYTHON} names another interpreter).
 */
public final class XgboostPython {
    private static final Path MODELS = Path.of("..", "models").toAbsolutePath().normalize();

    private XgboostPython() {}

    public static void train(Path trainingSet, String label, List<String> inputs, Path model, String objective, int trees, int depth)
            throws Exception {
        run("train_xgboost.py", "--training-set", trainingSet.toString(), "--label", label, "--inputs", String.join(",", inputs),
                "--model", model.toString(), "--objective", objective, "--trees", String.valueOf(trees), "--depth",
                String.valueOf(depth), "--seed", "7");
    }

    /** XGBoost's margin and score for each row of {@code rows}, as float32. */
    public static float[][] predict(Path model, Path rows, List<String> inputs) throws Exception {
        Path out = rows.resolveSibling(rows.getFileName() + ".predictions.csv");
        run("predict_xgboost.py", "--model", model.toString(), "--rows", rows.toString(), "--inputs", String.join(",", inputs),
                "--out", out.toString());
        List<String> lines = Files.readAllLines(out);
        float[][] predictions = new float[lines.size() - 1][];
        for (int i = 1; i < lines.size(); i++) {
            String[] cells = lines.get(i).split(",");
            predictions[i - 1] = new float[] {(float) Double.parseDouble(cells[0]), (float) Double.parseDouble(cells[1])};
        }
        return predictions;
    }

    /** Rows as CSV: each float as the exact decimal of its value, NaN as an empty cell. */
    public static void writeRows(Path file, List<String> columns, List<float[]> rows) throws IOException {
        StringBuilder csv = new StringBuilder(String.join(",", columns)).append('\n');
        for (float[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                csv.append(i == 0 ? "" : ",").append(Float.isNaN(row[i]) ? "" : Double.toString(row[i]));
            }
            csv.append('\n');
        }
        Files.writeString(file, csv, StandardCharsets.UTF_8);
    }

    private static void run(String script, String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(System.getenv().getOrDefault("TANDEM_PYTHON", "/usr/bin/python3"));
        command.add(MODELS.resolve(script).toString());
        command.addAll(List.of(args));
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + command.get(0) + " (install Debian's python3-xgboost, or set TANDEM_PYTHON): "
                    + e.getMessage(), e);
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(5, TimeUnit.MINUTES) || process.exitValue() != 0) {
            throw new IllegalStateException(script + " failed (install Debian's python3-xgboost, or set TANDEM_PYTHON):\n" + output);
        }
    }
}
