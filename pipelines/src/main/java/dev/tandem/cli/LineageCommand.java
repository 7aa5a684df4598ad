package dev.tandem.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.tandem.kafka.Topics;
import dev.tandem.lineage.CodeVersion;
import dev.tandem.lineage.FeatureLineage;
import dev.tandem.spec.CompiledSpec;
import dev.tandem.store.OnlineStoreSchema;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "lineage", mixinStandardHelpOptions = true,
        description = "Where a feature comes from: its aggregation and operator, the derived values and UDFs it "
                + "reads, down to the source fields and their cleaning and PII functions; and where it is written.")
final class LineageCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FEATURE", description = "A feature of the spec.")
    String feature;

    @Option(names = "--spec", description = "Feature spec (YAML). Default: the flagship card-fraud spec.")
    Path spec;

    @Option(names = "--json", description = "Print the lineage tree as JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        CompiledSpec compiled = FeaturesRun.compile(spec);
        FeatureLineage.Node root = new FeatureLineage(compiled).of(feature);
        if (root == null) {
            throw new UsageError("no feature '" + feature + "' in spec " + compiled.name + "; features: "
                    + compiled.allFeatures().stream().map(CompiledSpec.Feature::name).toList());
        }
        if (json) {
            System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root));
            return 0;
        }
        System.out.println(feature + "  (feature set " + OnlineStoreSchema.featureSetVersion(compiled) + ", spec "
                + compiled.origin + ", " + CodeVersion.current() + ")");
        print(root, "", true, true);
        CompiledSpec.EntityGroup group = compiled.entities.stream()
                .filter(g -> g.features().stream().anyMatch(f -> f.name().equals(feature))).findFirst().orElse(null);
        System.out.println("written to:");
        for (String sink : List.of(
                "offline store: OUTPUT/features/event_date=*/ (features --mode batch|streaming), column " + feature,
                "training set: OUTPUT/training/event_date=*/ (training-set), column " + feature,
                group == null ? "online store: none (an on-demand feature: the feature server computes it per request)"
                        : "online store: PostgreSQL table " + OnlineStoreSchema.table(compiled, group) + ", column " + feature,
                "Kafka topic " + Topics.FEATURES + " (stream), field " + feature)) {
            System.out.println("  " + sink);
        }
        return 0;
    }

    private static void print(FeatureLineage.Node node, String indent, boolean last, boolean root) {
        String udf = node.udf() == null ? "" : "  [UDF " + node.udf() + " = " + node.udfClass() + "]";
        String line = node.kind().replace('_', ' ') + " " + node.name() + ": " + node.how() + udf;
        System.out.println(root ? line : indent + (last ? "└─ " : "├─ ") + line);
        String childIndent = root ? "" : indent + (last ? "   " : "│  ");
        for (int i = 0; i < node.inputs().size(); i++) {
            print(node.inputs().get(i), childIndent, i == node.inputs().size() - 1, false);
        }
    }
}
