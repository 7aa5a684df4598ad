package dev.tandem.sql;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The runtime mode a SQL script asks for with {@code SET 'execution.runtime-mode' = '...';}: the
 * analyst examples are batch queries, and a script that says so runs as written, whatever the
 * command line's default.
 */
public final class ScriptMode {
    private static final Pattern SET_MODE = Pattern.compile(
            "(?im)^\\s*SET\\s+'execution\\.runtime-mode'\\s*=\\s*'(batch|streaming)'\\s*;");

    private ScriptMode() {}

    /** The mode of the first such statement outside comments, if any. */
    public static Optional<String> declaredIn(String sql) {
        Matcher m = SET_MODE.matcher(sql.replaceAll("--[^\\n]*", ""));
        return m.find() ? Optional.of(m.group(1).toLowerCase(Locale.ROOT)) : Optional.empty();
    }
}
