package dev.tandem.scoring;

import dev.tandem.cli.CliRuns;
import dev.tandem.local.LocalServers;
import dev.tandem.model.ModelRegistry;
import dev.tandem.spec.SpecCompiler;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;

/**
 * The flagship spec with a model named {@code fraud} over {@code inputs}, written where a test
 * keeps it, an empty registry in the test run's PostgreSQL, and the options every command that
 * reads the registry takes ({@code --spec}, {@code --jdbc-url}, {@code --jdbc-password-file}).
 */
record ScoredFlagship(Path spec, List<String> registryOptions) {

    static ScoredFlagship in(Path dir, List<String> inputs, String modelOptions) throws Exception {
        LocalServers.Servers servers = LocalServers.get();
        try (Connection c = servers.postgres().connect(); var st = c.createStatement()) {
            ModelRegistry.migrate(c);
            st.execute("TRUNCATE " + ModelRegistry.DECISIONS + ", " + ModelRegistry.VERSIONS);
        }
        String flagship = new String(SpecCompiler.class.getResourceAsStream(SpecCompiler.DEFAULT_SPEC_RESOURCE).readAllBytes(),
                StandardCharsets.UTF_8);
        Path spec = Files.writeString(dir.resolve("card-fraud-scored.yaml"), flagship + "\nmodels:\n  - { name: fraud, inputs: ["
                + String.join(", ", inputs) + "]" + (modelOptions.isEmpty() ? "" : ", " + modelOptions) + " }\n");
        Path password = Files.writeString(dir.resolve("pg-password"), servers.postgres().password());
        return new ScoredFlagship(spec, List.of("--spec", spec.toString(), "--jdbc-url", servers.postgres().jdbcUrl(), "--jdbc-password-file",
                password.toString()));
    }

    /** {@code ./tandem model ARGS} on the registry; it must succeed. */
    void model(String... args) {
        CliRuns.succeeds(withRegistry("model", args));
    }

    /** {@code first ARGS} with the registry's options after them. */
    String[] withRegistry(String first, String... args) {
        List<String> all = new ArrayList<>(List.of(first));
        all.addAll(List.of(args));
        all.addAll(registryOptions);
        return all.toArray(String[]::new);
    }
}
