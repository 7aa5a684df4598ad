package dev.tandem.checks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Every test class the sources declare ran in this build, with at least as many test cases as it
 * declares test methods and none skipped, read from the surefire and failsafe reports of each
 * module. This module builds last, so the reports are this build's. What it catches: a class the
 * plugins' name patterns leave out ({@code *Tests}, {@code *IT}), a test engine that stopped being
 * discovered (jqwik's properties would run zero times), a test the platform filtered away.
 */
class EveryDeclaredTestRanTest {
    private static final List<String> REPORT_DIRS = List.of("target/surefire-reports", "target/failsafe-reports");

    @Test
    void everyDeclaredTestHasAFreshReportWithAtLeastItsTestCasesAndNoneSkipped() throws Exception {
        List<TestSources.TestClass> classes = TestSources.testClasses(TestSources.all());
        assertThat(classes).as("test classes declared").hasSizeGreaterThan(60);
        List<String> problems = new ArrayList<>();
        long declared = 0;
        long ran = 0;
        for (TestSources.TestClass test : classes) {
            if (test.source().module().getFileName().toString().equals("build-checks")) {
                continue; // this module's own report is being written now
            }
            declared += test.declaredTests();
            Path report = report(test);
            if (report == null) {
                problems.add(test.qualifiedName() + " (" + test.declaredTests() + " tests): no report in "
                        + TestSources.HOME.relativize(test.source().module()) + "/target: surefire and failsafe never ran it");
                continue;
            }
            Path compiled = test.source().module().resolve("target/test-classes")
                    .resolve(test.qualifiedName().replace('.', '/') + ".class");
            if (Files.exists(compiled) && Files.getLastModifiedTime(report).compareTo(Files.getLastModifiedTime(compiled)) < 0) {
                problems.add(test.qualifiedName() + ": its report is older than its class (from an earlier build)");
            }
            Counts counts = counts(report);
            ran += counts.cases() - counts.skipped();
            if (counts.cases() - counts.skipped() < test.declaredTests()) {
                problems.add(String.format("%s declares %d tests, its report has %d test cases (%d skipped)", test.qualifiedName(),
                        test.declaredTests(), counts.cases(), counts.skipped()));
            }
        }
        System.out.printf("%d test classes declare %d tests; %d test cases ran%n", classes.size(), declared, ran);
        assertThat(problems).isEmpty();
    }

    private record Counts(int cases, int skipped) {}

    private static Path report(TestSources.TestClass test) {
        for (String dir : REPORT_DIRS) {
            Path report = test.source().module().resolve(dir).resolve("TEST-" + test.qualifiedName() + ".xml");
            if (Files.exists(report)) {
                return report;
            }
        }
        return null;
    }

    private static Counts counts(Path report) throws IOException {
        try {
            Document xml = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(report.toFile());
            NodeList cases = xml.getElementsByTagName("testcase");
            int skipped = 0;
            for (int i = 0; i < cases.getLength(); i++) {
                if (((Element) cases.item(i)).getElementsByTagName("skipped").getLength() > 0) {
                    skipped++;
                }
            }
            return new Counts(cases.getLength(), skipped);
        } catch (Exception e) {
            throw new IOException("cannot read " + report + ": " + e.getMessage(), e);
        }
    }
}
