package dev.tandem.spec;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** A changed feature definition needs a new feature-set version: every spec in specs/ must match its locked fingerprint. */
class SpecVersionsTest {
    private static final Path SPECS = Path.of(System.getProperty("tandem.home", "..")).resolve("specs");

    @Test
    void everySpecMatchesTheFingerprintOfItsVersion() throws Exception {
        FeatureSetLock lock = FeatureSetLock.read(SPECS.resolve(FeatureSetLock.FILE));
        List<Path> specs;
        try (Stream<Path> files = Files.list(SPECS)) {
            specs = files.filter(p -> p.toString().endsWith(".yaml") && !p.toString().endsWith(".expectations.yaml")
                    && !p.getFileName().toString().equals(FeatureSetLock.FILE)).toList();
        }
        assertThat(specs).isNotEmpty();
        for (Path spec : specs) {
            assertThat(lock.problem(SpecCompiler.load(spec))).as(spec.toString()).isNull();
        }
    }

    @Test
    void aChangedDefinitionUnderTheSameVersionIsCaughtAndLayoutIsNot() throws Exception {
        String yaml = Files.readString(SPECS.resolve("card-fraud.yaml"));
        FeatureSetLock lock = FeatureSetLock.read(SPECS.resolve(FeatureSetLock.FILE));
        CompiledSpec original = SpecCompiler.compile(yaml, "original");

        // Comments, blank lines and key order are not definitions.
        String relaidOut = "# a new comment\n\n" + yaml.replace("max_record_bytes: 4096\n  dedup_ttl: 7d",
                "dedup_ttl: 7d\n  max_record_bytes: 4096");
        assertThat(relaidOut).isNotEqualTo(yaml);
        assertThat(SpecCompiler.compile(relaidOut, "relaid").fingerprint).isEqualTo(original.fingerprint);

        // A window changed from 24h to 12h is a new definition: refused until the version moves on.
        String changed = yaml.replaceFirst("(card_txn_count_24h,\\s+agg: count,\\s+window:) 24h", "$1 12h");
        assertThat(changed).isNotEqualTo(yaml);
        CompiledSpec edited = SpecCompiler.compile(changed, "edited");
        assertThat(lock.problem(edited)).contains("changed").contains("new version");
        int next = original.version + 1;
        CompiledSpec bumped = SpecCompiler.compile(changed.replace("version: " + original.version, "version: " + next), "bumped");
        assertThat(lock.problem(bumped)).contains("not in").contains(next + ": " + bumped.fingerprint);
    }
}
