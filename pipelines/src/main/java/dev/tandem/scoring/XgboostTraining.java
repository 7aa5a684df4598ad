package dev.tandem.scoring;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Trains an XGBoost model with {@code models/train_xgboost.py} and Debian's python3-xgboost
 * ({@code TANDEM_PYTHON} names another interpreter): what a data scientist runs, run for the demo.
 */
public final class XgboostTraining {
    private XgboostTraining() {}

    /** Trains on {@code trainingCsv}'s {@code inputs} against {@code label}; returns what the script printed. */
    public static String train(Path home, Path trainingCsv, String label, List<String> inputs, Path model, int trees, int depth, double eta)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(System.getenv().getOrDefault("TANDEM_PYTHON", "/usr/bin/python3"),
                home.resolve("models/train_xgboost.py").toString(), "--training-set", trainingCsv.toString(), "--label", label,
                "--inputs", String.join(",", inputs), "--model", model.toString(), "--trees", String.valueOf(trees), "--depth",
                String.valueOf(depth), "--eta", String.valueOf(eta)));
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IOException("cannot start " + command.get(0) + " (install Debian's python3-xgboost, or set TANDEM_PYTHON)", e);
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!process.waitFor(10, TimeUnit.MINUTES) || process.exitValue() != 0) {
            throw new IOException("training failed (install Debian's python3-xgboost, or set TANDEM_PYTHON): " + output);
        }
        return output;
    }
}
