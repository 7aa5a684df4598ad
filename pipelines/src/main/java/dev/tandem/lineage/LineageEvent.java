package dev.tandem.lineage;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.spec.CompiledSpec;
import dev.tandem.store.OnlineStoreSchema;
import dev.tandem.udfs.functions.FunctionRegistry;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * An OpenLineage run event for one Tandem job: the job and its operators (uids), the run with the
 * code version and feature-set version, input datasets with their fields, and output datasets whose
 * column-lineage facet says, per feature, which source fields it is computed from and how.
 */
public final class LineageEvent {
    public static final String SCHEMA_URL = "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A dataset as OpenLineage names it: {@code file}, {@code kafka://host:port}, {@code postgres://host:port}. */
    public record Dataset(String namespace, String name, boolean carriesFeatures) {}

    private final CompiledSpec spec;
    private final String jobName;
    private final boolean streaming;
    private final List<String> operators;
    private final List<Dataset> inputs;
    private final List<Dataset> outputs;
    private final String runId = UUID.randomUUID().toString();
    private String sql;

    public LineageEvent(CompiledSpec spec, String jobName, boolean streaming, List<String> operators, List<Dataset> inputs,
            List<Dataset> outputs) {
        this.spec = spec;
        this.jobName = jobName;
        this.streaming = streaming;
        this.operators = operators;
        this.inputs = inputs;
        this.outputs = outputs;
    }

    /** The same job described by its SQL (OpenLineage's sql job facet): the statements the client ran. */
    public LineageEvent withSql(String statements) {
        this.sql = statements;
        return this;
    }

    /** The event of one state of the run: START, RUNNING, COMPLETE or FAIL. */
    public String render(String eventType) {
        ObjectNode event = JSON.createObjectNode();
        event.put("eventType", eventType);
        event.put("eventTime", Instant.now().toString());
        CodeVersion code = CodeVersion.current();
        event.put("producer", "urn:tandem:" + code.version());
        event.put("schemaURL", SCHEMA_URL);

        ObjectNode run = event.putObject("run");
        run.put("runId", runId);
        ObjectNode runFacets = run.putObject("facets");
        runFacets.putObject("processing_engine").put("name", "Apache Flink").put("version", "2.3.0")
                .put("openlineageAdapterVersion", code.version());
        runFacets.putObject("tandem_code").put("version", code.version()).put("commit", code.commit()).put("dirty", code.dirty());
        runFacets.putObject("tandem_feature_set").put("version", OnlineStoreSchema.featureSetVersion(spec))
                .put("spec", spec.origin).put("fingerprint", spec.fingerprint);

        ObjectNode job = event.putObject("job");
        job.put("namespace", "tandem");
        job.put("name", jobName);
        ObjectNode jobFacets = job.putObject("facets");
        jobFacets.putObject("jobType").put("processingType", streaming ? "STREAMING" : "BATCH").put("integration", "FLINK")
                .put("jobType", "JOB");
        jobFacets.putObject("tandem_operators").set("uids", JSON.valueToTree(operators));
        if (sql != null) {
            jobFacets.putObject("sql").put("query", sql);
        }
        ArrayNode udfs = jobFacets.putObject("tandem_udfs").putArray("functions");
        FunctionRegistry.FUNCTIONS.forEach(f -> udfs.addObject().put("name", f.sqlName())
                .put("class", f.implementation().getName()).put("version", code.version() + "@" + code.commit()));

        ArrayNode in = event.putArray("inputs");
        for (Dataset d : inputs) {
            ObjectNode node = dataset(in, d);
            ArrayNode fields = node.putObject("facets").putObject("schema").putArray("fields");
            spec.inputFields.forEach(f -> fields.addObject().put("name", f.name()).put("type", f.type().name().toLowerCase(Locale.ROOT)));
        }
        ArrayNode out = event.putArray("outputs");
        for (Dataset d : outputs) {
            ObjectNode node = dataset(out, d);
            if (d.carriesFeatures()) {
                columnLineage(node.putObject("facets"));
            }
        }
        return event.toString();
    }

    /**
     * The steps from a source field to a feature, as OpenLineage transformations: cleaning, UDFs
     * and derived values are direct transformations, PII protection is masking (the step an auditor
     * asks about first), a key groups and the event time windows; the feature itself aggregates.
     */
    private static void transformations(ArrayNode out, List<FeatureLineage.Node> path) {
        for (int i = 0; i < path.size(); i++) {
            FeatureLineage.Node step = path.get(i);
            boolean windowsTheFeature = step.kind().equals("event_time") && path.get(i + 1).kind().equals("feature");
            String[] typeAndSubtype = switch (step.kind()) {
                case "entity_key" -> new String[] {"INDIRECT", "GROUP_BY"};
                case "feature" -> new String[] {"DIRECT", "AGGREGATION"};
                default -> windowsTheFeature ? new String[] {"INDIRECT", "WINDOW"} : new String[] {"DIRECT", "TRANSFORMATION"};
            };
            out.addObject().put("type", typeAndSubtype[0]).put("subtype", typeAndSubtype[1])
                    .put("description", step.kind() + " " + step.name() + ": " + step.how()
                            + (step.udf() == null ? "" : " [UDF " + step.udf() + " = " + step.udfClass() + "]"))
                    .put("masking", step.kind().equals("pii"));
        }
    }

    private static ObjectNode dataset(ArrayNode list, Dataset d) {
        return list.addObject().put("namespace", d.namespace()).put("name", d.name());
    }

    private void columnLineage(ObjectNode facets) {
        FeatureLineage lineage = new FeatureLineage(spec);
        ArrayNode schema = facets.putObject("schema").putArray("fields");
        ObjectNode fields = facets.putObject("columnLineage").putObject("fields");
        for (CompiledSpec.Feature f : spec.allFeatures()) {
            schema.addObject().put("name", f.name()).put("type", f.agg().integral() ? "bigint" : "double");
            ObjectNode column = fields.putObject(f.name());
            ArrayNode inputFields = column.putArray("inputFields");
            for (Map.Entry<String, List<FeatureLineage.Node>> source : lineage.pathsFromSources(f.name()).entrySet()) {
                for (Dataset in : inputs) {
                    ObjectNode field = inputFields.addObject().put("namespace", in.namespace()).put("name", in.name())
                            .put("field", source.getKey());
                    transformations(field.putArray("transformations"), source.getValue());
                }
            }
            column.put("transformationDescription", lineage.of(f.name()).how());
            column.put("transformationType", "AGGREGATE");
        }
    }
}
