package io.imdsguard.agent.log;

import java.io.File;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.file.InvalidPathException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The agent's log: standard error by default, or a file. Every line starts with {@code
 * [imds-guard]} so that a user can grep the agent's output out of the application's. No logging
 * framework: the agent must not touch the application's logging configuration, and
 * java.util.logging in premain is a known start-up trap.
 */
public final class AgentLog {

    public static final String PREFIX = "[imds-guard] ";

    /** Standard error as it was when the agent was loaded; see {@link #keepStandardError}. */
    private static volatile PrintStream keptStandardError;

    private final PrintWriter out;
    private final boolean debug;
    private final Set<String> onceKeys = ConcurrentHashMap.newKeySet();

    private AgentLog(PrintWriter out, boolean debug) {
        this.out = out;
        this.debug = debug;
    }

    public static AgentLog toStandardError(boolean debug) {
        return new AgentLog(stderrWriter(), debug);
    }

    /**
     * A log that appends to {@code path}; if the file cannot be opened, one line says so on
     * standard error and the log goes there instead, so that reporting never stops. A symbolic link
     * at {@code path} is refused, never written through ({@link SafeFiles#append}).
     */
    public static AgentLog open(String path, boolean debug) {
        if (path == null) {
            return toStandardError(debug);
        }
        try {
            PrintWriter file =
                    new PrintWriter(
                            new OutputStreamWriter(
                                    SafeFiles.append(new File(path).toPath()),
                                    Charset.forName("UTF-8")),
                            true);
            return new AgentLog(file, debug);
        } catch (IOException | SecurityException | InvalidPathException e) {
            AgentLog fallback = toStandardError(debug);
            fallback.info(
                    "cannot write the log file '"
                            + path
                            + "' (key 'log'): "
                            + e.getMessage()
                            + "; logging to standard error instead");
            return fallback;
        }
    }

    /**
     * Called in premain, before the application's main runs. The agent starts on a thread of its
     * own meanwhile, and applications swap System.err for a while: Vert.x, for one, sets a stream
     * that drops everything while it probes for SLF4J. A log made in that window would write
     * nowhere for the life of the JVM.
     */
    public static void keepStandardError() {
        keptStandardError = System.err;
    }

    /** Standard error as the agent was loaded, for the few lines written before its log exists. */
    public static PrintStream standardError() {
        PrintStream kept = keptStandardError;
        return kept != null ? kept : System.err;
    }

    private static PrintWriter stderrWriter() {
        return new PrintWriter(standardError(), true);
    }

    /** Longer lines are cut: a log line is for reading, the report holds the details. */
    static final int MAX_LINE = 4000;

    public void info(String line) {
        synchronized (out) {
            out.println(PREFIX + Sanitizer.forLog(line, MAX_LINE));
        }
    }

    /** Several lines written together, so that another thread's line cannot land in between. */
    public void block(Iterable<String> lines) {
        synchronized (out) {
            for (String line : lines) {
                out.println(PREFIX + Sanitizer.forLog(line, MAX_LINE));
            }
        }
    }

    public void debug(String line) {
        if (debug) {
            info("debug: " + line);
        }
    }

    public boolean debugEnabled() {
        return debug;
    }

    /**
     * Logs a problem the first time its key is seen, so that a recurring fault cannot flood the
     * log.
     */
    public void once(String key, String line) {
        if (onceKeys.add(key)) {
            info(line);
        }
    }

    /** An internal failure of the agent: logged once per place, never thrown to the application. */
    public void internalError(String where, Throwable error) {
        once(
                "internal:" + where,
                "internal error in "
                        + where
                        + " (logged once; the request proceeds unchanged): "
                        + error);
    }
}
