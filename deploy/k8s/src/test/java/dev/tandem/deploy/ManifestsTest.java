package dev.tandem.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.JsonSchema;
import dev.tandem.cli.JobMain;
import dev.tandem.cli.TandemCli;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every manifest, as kustomize renders it, against the Flink Kubernetes operator's own CRD schema
 * (shipped in its API artifact), made strict the way {@code kubectl apply --validate=strict} is:
 * an unknown field, such as a misspelt one, is an error rather than silently pruned.
 */
class ManifestsTest {
    private static final ObjectMapper YAML = new YAMLMapper();
    /** Flink versions the operator's enum gained after the newest API artifact these machines can download (1.10). */
    private static final List<String> NEWER_FLINK_VERSIONS = List.of("v2_0", "v2_1");
    private static final Map<String, JsonSchema> SPEC_SCHEMAS = new HashMap<>();

    @BeforeAll
    static void loadOperatorSchemas() throws IOException {
        SPEC_SCHEMAS.put("FlinkDeployment", specSchema("flinkdeployments.flink.apache.org-v1.yml"));
        SPEC_SCHEMAS.put("FlinkSessionJob", specSchema("flinksessionjobs.flink.apache.org-v1.yml"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", "session", "overlays/dev", "overlays/prod"})
    void everyRenderedManifestMatchesTheOperatorSchema(String kustomization) throws Exception {
        List<JsonNode> resources = render(kustomization);
        assertThat(resources).isNotEmpty();
        for (JsonNode resource : resources) {
            String kind = resource.path("kind").asText();
            String name = resource.path("metadata").path("name").asText();
            assertThat(name).as(kind + " in " + kustomization + " has a name").isNotEmpty();
            JsonSchema schema = SPEC_SCHEMAS.get(kind);
            if (schema != null) {
                assertThat(resource.path("apiVersion").asText()).isEqualTo("flink.apache.org/v1beta1");
                assertThat(schema.validate(resource.path("spec"))).as(kind + " " + name + " in " + kustomization).isEmpty();
            }
            assertNoInlineSecrets(resource, kind + " " + name);
        }
    }

    @Test
    void aMisspeltFieldOrUnknownValueFailsValidation() throws Exception {
        ObjectNode deployment = (ObjectNode) render("base").stream()
                .filter(r -> r.path("metadata").path("name").asText().equals("tandem-streaming")).findFirst().orElseThrow();
        ObjectNode job = (ObjectNode) deployment.path("spec").path("job");
        job.set("upgradeMod", job.remove("upgradeMode"));
        Set<ValidationMessage> errors = SPEC_SCHEMAS.get("FlinkDeployment").validate(deployment.path("spec"));
        assertThat(errors).extracting(ValidationMessage::getMessage).anyMatch(m -> m.contains("upgradeMod"));

        ObjectNode container = (ObjectNode) deployment.path("spec").path("podTemplate").path("spec").path("containers").path(0);
        container.put("imagePulPolicy", "Always");
        assertThat(SPEC_SCHEMAS.get("FlinkDeployment").validate(deployment.path("spec")))
                .extracting(ValidationMessage::getMessage).anyMatch(m -> m.contains("imagePulPolicy"));

        ((ObjectNode) deployment.path("spec")).put("flinkVersion", "v2_9");
        assertThat(SPEC_SCHEMAS.get("FlinkDeployment").validate(deployment.path("spec")))
                .extracting(ValidationMessage::getMessage).anyMatch(m -> m.contains("flinkVersion"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/dev", "overlays/prod"})
    void theJobCheckpointsWhereTheClusterKeepsItsCheckpoints(String kustomization) throws Exception {
        List<JsonNode> resources = render(kustomization);
        String jobDir = resources.stream().filter(r -> r.path("kind").asText().equals("ConfigMap"))
                .map(r -> r.path("data").path("TANDEM_CHECKPOINT_DIR").asText()).findFirst().orElseThrow();
        JsonNode streaming = resources.stream().filter(r -> r.path("metadata").path("name").asText().equals("tandem-streaming"))
                .findFirst().orElseThrow();
        assertThat(streaming.path("spec").path("flinkConfiguration").path("execution.checkpointing.dir").asText()).isEqualTo(jobDir);
        assertThat(streaming.path("spec").path("job").path("upgradeMode").asText()).isEqualTo("savepoint");
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", "session"})
    void everyJobsArgumentsParseWithTheJobsCommandLine(String kustomization) throws Exception {
        int jobs = 0;
        for (JsonNode resource : render(kustomization)) {
            JsonNode args = resource.path("spec").path("job").path("args");
            if (args.isArray()) {
                jobs++;
                List<String> argv = new ArrayList<>();
                args.forEach(a -> argv.add(a.asText()));
                assertThat(resource.path("spec").path("job").path("entryClass").asText()).isEqualTo(JobMain.class.getName());
                // Throws on an unknown command or option, as the job would at start.
                TandemCli.jobCommandLine().parseArgs(argv.toArray(String[]::new));
            }
        }
        // base: the streaming job and the backfill; session: the session job.
        assertThat(jobs).as("jobs with arguments in " + kustomization).isEqualTo(kustomization.equals("base") ? 2 : 1);
    }

    @Test
    void theImageRunsTheFlinkVersionTheBuildCompilesAgainst() throws Exception {
        String pom = Files.readString(Path.of("../../pom.xml"));
        Matcher flink = Pattern.compile("<flink.version>([^<]+)</flink.version>").matcher(pom);
        assertThat(flink.find()).isTrue();
        String dockerfile = Files.readString(Path.of("../image/Dockerfile"));
        assertThat(dockerfile).contains("FROM flink:" + flink.group(1) + "-java17");
        assertThat(dockerfile).contains("/opt/flink/usrlib/tandem-pipelines-job.jar").contains("/opt/flink/usrlib/tandem-udfs.jar");
        for (String kustomization : List.of("base", "session")) {
            List<String> plugins = new ArrayList<>();
            for (JsonNode r : render(kustomization)) {
                r.findValues("value").stream().map(JsonNode::asText).filter(v -> v.startsWith("flink-s3-fs")).forEach(plugins::add);
            }
            // Each kustomization enables the S3 plugin for its checkpoints, of the build's Flink version.
            assertThat(plugins).as(kustomization).isNotEmpty()
                    .allSatisfy(plugin -> assertThat(plugin).isEqualTo("flink-s3-fs-presto-" + flink.group(1) + ".jar"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/dev", "overlays/prod"})
    void theFeatureServerIsProbedOnItsOwnPathsAndReachedThroughItsService(String kustomization) throws Exception {
        List<JsonNode> resources = render(kustomization);
        JsonNode deployment = named(resources, "Deployment", "tandem-serve");
        JsonNode service = named(resources, "Service", "tandem-serve");
        JsonNode pod = deployment.path("spec").path("template");
        JsonNode container = pod.path("spec").path("containers").path(0);

        List<String> command = new ArrayList<>();
        container.path("command").forEach(c -> command.add(c.asText()));
        assertThat(command).first().isEqualTo("java");
        String jar = command.get(command.indexOf("-jar") + 1);
        assertThat(Files.readString(Path.of("../image/Dockerfile"))).as("the image holds the server jar").contains(jar);

        String port = container.path("ports").path(0).path("name").asText();
        assertThat(env(container, "TANDEM_SERVE_PORT")).isEqualTo(container.path("ports").path(0).path("containerPort").asText());
        assertThat(container.path("readinessProbe").path("httpGet").path("path").asText()).isEqualTo("/ready");
        assertThat(container.path("livenessProbe").path("httpGet").path("path").asText()).isEqualTo("/health");
        assertThat(container.path("startupProbe").path("httpGet").path("path").asText()).isEqualTo("/health");
        for (String probe : List.of("readinessProbe", "livenessProbe", "startupProbe")) {
            assertThat(container.path(probe).path("httpGet").path("port").asText()).as(probe).isEqualTo(port);
        }
        assertThat(service.path("spec").path("ports").path(0).path("targetPort").asText()).isEqualTo(port);
        service.path("spec").path("selector").fields().forEachRemaining(label -> {
            assertThat(pod.path("metadata").path("labels").path(label.getKey()).asText()).isEqualTo(label.getValue().asText());
            assertThat(deployment.path("spec").path("selector").path("matchLabels").path(label.getKey()).asText())
                    .isEqualTo(label.getValue().asText());
        });
        assertThat(pod.path("spec").path("securityContext").path("runAsNonRoot").asBoolean()).isTrue();
        assertThat(container.path("securityContext").path("readOnlyRootFilesystem").asBoolean()).isTrue();
        assertThat(env(container, "TANDEM_SERVE_TOKENS_FILE")).as("tokens from a mounted Secret").isNotNull();
        assertThat(container.path("resources").path("limits").path("memory").asText()).isNotEmpty();
    }

    private static JsonNode named(List<JsonNode> resources, String kind, String name) {
        return resources.stream().filter(r -> r.path("kind").asText().equals(kind) && r.path("metadata").path("name").asText().equals(name))
                .findFirst().orElseThrow(() -> new AssertionError("no " + kind + " " + name));
    }

    private static String env(JsonNode container, String name) {
        for (JsonNode variable : container.path("env")) {
            if (variable.path("name").asText().equals(name)) {
                return variable.path("value").asText(null);
            }
        }
        return null;
    }

    /** Where the resource's pods mount Secret volumes. */
    private static List<String> secretMountPaths(JsonNode resource) {
        List<String> secretVolumes = new ArrayList<>();
        for (JsonNode volumes : resource.findValues("volumes")) {
            volumes.forEach(v -> {
                if (v.has("secret")) {
                    secretVolumes.add(v.path("name").asText());
                }
            });
        }
        List<String> paths = new ArrayList<>();
        for (JsonNode mounts : resource.findValues("volumeMounts")) {
            mounts.forEach(m -> {
                if (secretVolumes.contains(m.path("name").asText())) {
                    paths.add(m.path("mountPath").asText());
                }
            });
        }
        return paths;
    }

    /** Credentials come from Secrets: no Secret object with data in the repo, no password in a plain env value. */
    private static void assertNoInlineSecrets(JsonNode resource, String what) {
        assertThat(resource.path("kind").asText()).as(what).isNotEqualTo("Secret");
        for (JsonNode env : resource.findValues("env")) {
            for (JsonNode variable : env) {
                String name = variable.path("name").asText();
                if (name.endsWith("_FILE")) {
                    assertThat(secretMountPaths(resource)).as(what + ": " + name + " names a file in a mounted Secret")
                            .anyMatch(mount -> variable.path("value").asText().startsWith(mount + "/"));
                } else if (name.matches(".*(PASSWORD|SECRET|TOKEN|KEY|JAAS|CREDENTIAL).*")) {
                    assertThat(variable.has("value")).as(what + " sets " + name + " inline").isFalse();
                    assertThat(variable.path("valueFrom").has("secretKeyRef")).as(what + " " + name).isTrue();
                }
            }
        }
    }

    /**
     * The kustomization as the cluster would get it: {@code kubectl kustomize DIR}, or {@code
     * kustomize build DIR} where kubectl is missing ({@code ./tandem test} installs kustomize then,
     * and says where in {@code TANDEM_KUSTOMIZE}). Neither is a failure, never a skip: a green run
     * must have checked the manifests.
     */
    private static List<JsonNode> render(String kustomization) throws Exception {
        String kustomize = System.getenv("TANDEM_KUSTOMIZE");
        List<String> command = kustomize != null && !kustomize.isBlank()
                ? List.of(kustomize, "build", kustomization)
                : List.of("kubectl", "kustomize", kustomization);
        Process kubectl;
        try {
            kubectl = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException missing) {
            throw new AssertionError("neither kubectl nor kustomize can render the manifests (./tandem test installs kustomize): "
                    + missing.getMessage(), missing);
        }
        String output = new String(kubectl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(kubectl.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(kubectl.exitValue()).as(output).isZero();
        List<JsonNode> resources = new ArrayList<>();
        try (var parser = new YAMLFactory().createParser(output)) {
            for (Iterator<JsonNode> docs = YAML.readValues(parser, JsonNode.class); docs.hasNext(); ) {
                resources.add(docs.next());
            }
        }
        return resources;
    }

    /** The served version's openAPIV3Schema for {@code spec}, closed wherever Kubernetes would not keep unknown fields. */
    private static JsonSchema specSchema(String crd) throws IOException {
        try (InputStream in = ManifestsTest.class.getResourceAsStream("/META-INF/fabric8/" + crd)) {
            assertThat(in).as(crd + " in the operator's API artifact").isNotNull();
            JsonNode definition = YAML.readTree(in);
            for (JsonNode version : definition.path("spec").path("versions")) {
                if (version.path("name").asText().equals("v1beta1")) {
                    JsonNode spec = version.path("schema").path("openAPIV3Schema").path("properties").path("spec").deepCopy();
                    strict(spec);
                    return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(spec);
                }
            }
        }
        throw new IOException(crd + " has no v1beta1 version");
    }

    private static void strict(JsonNode schema) {
        if (!(schema instanceof ObjectNode node)) {
            return;
        }
        if (node.has("properties") && !node.has("additionalProperties")
                && !node.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)) {
            node.put("additionalProperties", false);
        }
        if (node.path("enum").isArray() && node.path("enum").toString().contains("\"v1_20\"")) {
            NEWER_FLINK_VERSIONS.forEach(((ArrayNode) node.get("enum"))::add);
        }
        node.elements().forEachRemaining(ManifestsTest::strict);
    }
}
