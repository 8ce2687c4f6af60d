package io.imdsguard.agent.check;

import java.util.Collections;

/**
 * The JUnit XML and HTML renderings of {@code check}, for a command that holds its report in memory
 * ({@code scan}): it gets the same pages as {@code check} on the same report would give, because
 * the report goes through the same loader and verdict.
 */
public final class VerdictFormats {

    private final Readiness readiness;

    private VerdictFormats(Readiness readiness) {
        this.readiness = readiness;
    }

    /**
     * @param name stands for the report's file in the rendering
     * @throws IllegalArgumentException if {@code json} is not a report {@code check} can read
     */
    public static VerdictFormats of(String name, String json) {
        try {
            return new VerdictFormats(
                    new Readiness(Collections.singletonList(ReportLoader.parse(name, json))));
        } catch (InvalidReportException e) {
            throw new IllegalArgumentException(name + ": " + e.getMessage(), e);
        }
    }

    public String junit() {
        return JunitReport.render(readiness);
    }

    public String html(String agentVersion, String generatedAt) {
        return HtmlReport.render(readiness, agentVersion, generatedAt);
    }

    /** The one-line verdict, as {@code check} prints it. */
    public String verdictLine() {
        return TextVerdict.verdictLine(readiness);
    }
}
