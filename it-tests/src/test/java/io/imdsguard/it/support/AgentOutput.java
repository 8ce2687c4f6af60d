package io.imdsguard.it.support;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The agent's log lines, read the way a user reads them: first-sight blocks, errors, summary. */
public final class AgentOutput {

    public static final String PREFIX = "[imds-guard] ";

    private static final Pattern FIRST_SIGHT =
            Pattern.compile(
                    "IMDSv1 call from (\\S+): client=(\\S+) method=(\\S+) path=(\\S+) thread=(.+) site-id=(\\w+) action=(\\w+)"
                            + ".* \\(first sight; later calls from this site are counted in the report\\) in (service=.+)");

    /**
     * The {@code where} part of the start line: {@code service=... pid=... host=...} up to the next
     * key.
     */
    private static final Pattern STARTED =
            Pattern.compile(
                    "imds-guard \\S+ started: mode=\\S+(?: rewrite\\.callers=\\S*)? (service=.+? pid=\\d+ host=\\S+"
                            + "(?: container=\\S+)?(?: pod=\\S+)?(?: namespace=\\S+)?)(?: report=.*| prometheus=.*)?");

    /** One first-sight block: the header's fields and the trace below it. */
    public record FirstSight(
            String site,
            String client,
            String method,
            String path,
            String thread,
            String id,
            String action,
            String where,
            List<String> frames) {}

    private final List<String> lines;

    AgentOutput(List<String> lines) {
        this.lines = lines;
    }

    public List<String> lines() {
        return lines;
    }

    public List<FirstSight> firstSights() {
        List<FirstSight> sights = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            Matcher m = FIRST_SIGHT.matcher(lines.get(i));
            if (!m.matches()) {
                continue;
            }
            List<String> frames = new ArrayList<>();
            // the site's archive line, when the agent knows where its class came from, precedes the
            // frames
            int firstFrame =
                    i + 1 < lines.size() && lines.get(i + 1).startsWith("    archive=")
                            ? i + 2
                            : i + 1;
            for (int j = firstFrame; j < lines.size() && lines.get(j).startsWith("    at "); j++) {
                frames.add(lines.get(j).substring("    at ".length()));
            }
            sights.add(
                    new FirstSight(
                            m.group(1),
                            m.group(2),
                            m.group(3),
                            m.group(4),
                            m.group(5),
                            m.group(6),
                            m.group(7),
                            m.group(8),
                            frames));
        }
        return sights;
    }

    /**
     * The start line's {@code where} part ({@code service=x pid=1 host=h ...}), or fails if there
     * is none.
     */
    public String startWhere() {
        for (String line : lines) {
            Matcher m = STARTED.matcher(line);
            if (m.matches()) {
                return m.group(1);
            }
        }
        throw new AssertionError("no start line in " + lines);
    }

    public List<String> linesContaining(String text) {
        return lines.stream().filter(l -> l.contains(text)).toList();
    }
}
