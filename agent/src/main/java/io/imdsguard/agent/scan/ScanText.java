package io.imdsguard.agent.scan;

import io.imdsguard.agent.log.Sanitizer;
import java.util.List;

/**
 * The scan's findings as text, by artifact. Class names, constants and paths come from the files
 * scanned, which anyone may have written, so each is escaped and capped like the agent's log.
 */
final class ScanText {

    private static final int MAX_TEXT = 300;

    /**
     * A library's verdict is what to act on; its own call sites are listed for reference, a few.
     */
    static final int MAX_SITES_PER_LIBRARY = 5;

    private ScanText() {}

    static String render(ScanResult result) {
        StringBuilder out = new StringBuilder();
        for (Artifact artifact : result.artifacts) {
            List<Finding> findings = grouped(result.findingsOf(artifact));
            if (findings.isEmpty()) {
                continue;
            }
            out.append("artifact ").append(shown(artifact.path)).append('\n');
            out.append("  coordinates ")
                    .append(shown(artifact.coordinates().described()))
                    .append('\n');
            LibraryTable.LibraryVerdict library = null;
            int shownOfLibrary = 0;
            int hiddenOfLibrary = 0;
            for (Finding finding : findings) {
                if (finding.library != null) {
                    if (finding.library != library) {
                        hiddenOfLibrary = more(out, hiddenOfLibrary);
                        library = finding.library;
                        shownOfLibrary = 0;
                        out.append("  library ")
                                .append(shown(finding.libraryText()))
                                .append(": ")
                                .append(finding.classification.text)
                                .append('\n');
                        out.append("      fix: ").append(shown(finding.remediation)).append('\n');
                    }
                    if (finding.owner == null) {
                        continue;
                    }
                    if (shownOfLibrary++ >= MAX_SITES_PER_LIBRARY) {
                        hiddenOfLibrary++;
                        continue;
                    }
                    out.append("      ").append(site(finding)).append('\n');
                } else {
                    hiddenOfLibrary = more(out, hiddenOfLibrary);
                    library = null;
                    out.append("  ")
                            .append(finding.classification.text)
                            .append(": ")
                            .append(site(finding))
                            .append('\n');
                    out.append("      fix: ").append(shown(finding.remediation)).append('\n');
                }
            }
            more(out, hiddenOfLibrary);
        }
        if (out.length() > 0) {
            out.append('\n');
        }
        out.append(totalsLine(result)).append('\n');
        out.append("summary: ").append(verdictLine(result)).append('\n');
        return out.toString();
    }

    /** Each library's findings together, first come first; then the code's own. */
    private static List<Finding> grouped(List<Finding> findings) {
        java.util.Map<Object, List<Finding>> groups =
                new java.util.LinkedHashMap<Object, List<Finding>>();
        List<Finding> code = new java.util.ArrayList<Finding>();
        for (Finding finding : findings) {
            if (finding.library == null) {
                code.add(finding);
                continue;
            }
            List<Finding> group = groups.get(finding.library);
            if (group == null) {
                group = new java.util.ArrayList<Finding>();
                groups.put(finding.library, group);
            }
            group.add(finding);
        }
        List<Finding> all = new java.util.ArrayList<Finding>();
        for (List<Finding> group : groups.values()) {
            // a library shows a few of its sites: those that hold the constants first, then their
            // helpers
            for (Finding finding : group) {
                if (finding.method == null || finding.method.via == null) {
                    all.add(finding);
                }
            }
            for (Finding finding : group) {
                if (finding.method != null && finding.method.via != null) {
                    all.add(finding);
                }
            }
        }
        all.addAll(code);
        return all;
    }

    private static String site(Finding finding) {
        String text = shown(finding.site());
        text =
                finding.constants().isEmpty()
                        ? text
                        : text + " uses " + constants(finding.constants());
        return finding.method == null || finding.method.via == null
                ? text
                : text + " (" + shown(finding.method.via) + ")";
    }

    private static int more(StringBuilder out, int hidden) {
        if (hidden > 0) {
            out.append("      and ")
                    .append(hidden)
                    .append(" more call site(s) of the library (all in --json)\n");
        }
        return 0;
    }

    static String totalsLine(ScanResult result) {
        return "totals: "
                + result.archives
                + " archive(s), "
                + result.classes
                + " class(es) in "
                + result.seconds()
                + " s; "
                + result.findings.size()
                + " finding(s): "
                + result.count(Classification.V1_ONLY)
                + " v1 only, "
                + result.count(Classification.V2_WITH_V1_FALLBACK)
                + " v2 with v1 fallback, "
                + result.count(Classification.V2)
                + " v2; "
                + result.problems.size()
                + " input problem(s)";
    }

    static String verdictLine(ScanResult result) {
        String verdict;
        if (result.v1Found()) {
            verdict =
                    "NOT READY: "
                            + result.count(Classification.V1_ONLY)
                            + " IMDSv1 caller(s) in "
                            + artifactsWithV1(result)
                            + " artifact(s) will fail under HttpTokens=required";
        } else {
            verdict =
                    "READY: no IMDSv1 caller found in " + result.artifacts.size() + " artifact(s)";
        }
        if (!result.problems.isEmpty()) {
            return "INCOMPLETE: "
                    + result.problems.size()
                    + " input(s) could not be read (see standard error); "
                    + verdict;
        }
        return verdict;
    }

    private static int artifactsWithV1(ScanResult result) {
        int n = 0;
        for (Artifact artifact : result.artifacts) {
            for (Finding finding : result.findingsOf(artifact)) {
                if (finding.classification.breaksUnderRequired()) {
                    n++;
                    break;
                }
            }
        }
        return n;
    }

    private static String constants(List<String> constants) {
        StringBuilder text = new StringBuilder();
        for (String constant : constants) {
            text.append(text.length() > 0 ? ", " : "")
                    .append('"')
                    .append(Sanitizer.forLog(constant, 80))
                    .append('"');
        }
        return text.toString();
    }

    static String shown(String text) {
        return Sanitizer.forLog(text, MAX_TEXT);
    }
}
