package dev.tandem.lineage;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The code a job runs: Tandem's version and the commit it was built from (stamped into the jar at build time). */
public record CodeVersion(String version, String commit, boolean dirty) {
    private static final String RESOURCE = "/tandem-git.properties";

    public static CodeVersion current() {
        Properties p = new Properties();
        try (InputStream in = CodeVersion.class.getResourceAsStream(RESOURCE)) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // No stamp: an unversioned build, said so below.
        }
        return new CodeVersion(p.getProperty("git.build.version", "unknown"), p.getProperty("git.commit.id.abbrev", "unknown"),
                Boolean.parseBoolean(p.getProperty("git.dirty", "false")));
    }

    @Override
    public String toString() {
        return "tandem " + version + " @ " + commit + (dirty ? " (uncommitted changes)" : "");
    }
}
