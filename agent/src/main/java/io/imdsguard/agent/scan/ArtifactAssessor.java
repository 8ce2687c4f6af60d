package io.imdsguard.agent.scan;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns what an archive held into findings. A class in a known library's packages takes the
 * library's verdict (its version says more than its constants: a current SDK's metadata class names
 * IMDS paths and leaves the token to another class); any other class is judged by its own
 * constants: a method that loads a token constant, or calls a method of its nest that does, is
 * IMDSv2; one that reads IMDS paths without reaching a token is IMDSv1.
 */
final class ArtifactAssessor {

    static final String HAND_WRITTEN_V1_REMEDIATION =
            "request a token first (PUT /latest/api/token with header "
                    + "X-aws-ec2-metadata-token-ttl-seconds: 21600) and send it as X-aws-ec2-metadata-token on every read, "
                    + "or use a current AWS SDK";

    private final LibraryTable table;

    ArtifactAssessor(LibraryTable table) {
        this.table = table;
    }

    List<Finding> assess(Artifact artifact) {
        // package prefix of a library's classes here -> its verdict
        Map<String, LibraryTable.LibraryVerdict> libraries =
                new LinkedHashMap<String, LibraryTable.LibraryVerdict>();
        List<Coordinates> known = new ArrayList<Coordinates>(artifact.poms.values());
        if (known.isEmpty()) {
            known.add(artifact.coordinates());
        }
        for (Coordinates coordinates : known) {
            LibraryTable.Row row = table.find(coordinates);
            if (row != null && !libraries.containsKey(row.classes)) {
                LibraryTable.LibraryVerdict verdict = row.verdict(coordinates.version);
                if (verdict == null) {
                    verdict =
                            row.verdictFromCode(
                                    speaksV2(artifact, row.classes), "this archive holds");
                }
                libraries.put(row.classes, verdict);
            }
        }
        for (Map.Entry<String, LibraryTable.Row> marker : artifact.markers.entrySet()) {
            LibraryTable.Row row = marker.getValue();
            String prefix =
                    marker.getKey().substring(0, marker.getKey().length() - row.marker.length());
            String classes = prefix + row.classes;
            if (!libraries.containsKey(classes)) {
                String what =
                        prefix.isEmpty()
                                ? "this archive holds without its coordinates"
                                : "this archive bundles under "
                                        + prefix.substring(0, prefix.length() - 1);
                libraries.put(classes, row.verdictFromCode(speaksV2(artifact, classes), what));
            }
        }

        List<Finding> findings = new ArrayList<Finding>();
        Map<String, Nest> nests = nests(artifact);
        Map<String, Boolean> libraryHasCode = new HashMap<String, Boolean>();
        for (ClassFinding finding : artifact.classes) {
            String library = libraryOf(finding.className, libraries);
            for (ClassFinding.MethodUse method : finding.methods) {
                if (library != null) {
                    LibraryTable.LibraryVerdict verdict = libraries.get(library);
                    findings.add(
                            new Finding(
                                    artifact,
                                    verdict,
                                    finding,
                                    method,
                                    verdict.classification,
                                    verdict.remediation));
                    libraryHasCode.put(library, Boolean.TRUE);
                } else {
                    boolean v2 =
                            reachesToken(
                                    finding.className + "." + method.name,
                                    nests.get(finding.nestHost()));
                    findings.add(
                            new Finding(
                                    artifact,
                                    null,
                                    finding,
                                    method,
                                    v2 ? Classification.V2 : Classification.V1_ONLY,
                                    v2
                                            ? "nothing to change: it requests a token"
                                            : HAND_WRITTEN_V1_REMEDIATION));
                }
            }
        }
        for (Map.Entry<String, LibraryTable.LibraryVerdict> library : libraries.entrySet()) {
            if (!libraryHasCode.containsKey(library.getKey())) {
                LibraryTable.LibraryVerdict verdict = library.getValue();
                findings.add(
                        new Finding(
                                artifact,
                                verdict,
                                null,
                                null,
                                verdict.classification,
                                verdict.remediation));
            }
        }
        return findings;
    }

    private static String libraryOf(
            String className, Map<String, LibraryTable.LibraryVerdict> libraries) {
        String longest = null;
        for (String prefix : libraries.keySet()) {
            if (className.startsWith(prefix)
                    && (longest == null || prefix.length() > longest.length())) {
                longest = prefix;
            }
        }
        return longest;
    }

    private static boolean speaksV2(Artifact artifact, String classes) {
        for (ClassFinding finding : artifact.classes) {
            if (finding.className.startsWith(classes) && hasToken(finding.markers())) {
                return true;
            }
        }
        return false;
    }

    private static Map<String, Nest> nests(Artifact artifact) {
        Map<String, Nest> nests = new HashMap<String, Nest>();
        for (ClassFinding finding : artifact.classes) {
            Nest nest = nests.get(finding.nestHost());
            if (nest == null) {
                nest = new Nest();
                nests.put(finding.nestHost(), nest);
            }
            for (ClassFinding.MethodUse method : finding.methods) {
                // a helper that is handed a token constant does not make its other callers speak v2
                if (hasToken(method.markers) && method.via == null) {
                    nest.tokenMethods.add(finding.className + "." + method.name);
                }
            }
            for (Map.Entry<String, Set<String>> call : finding.calls.entrySet()) {
                nest.calls.put(finding.className + "." + call.getKey(), call.getValue());
            }
        }
        return nests;
    }

    /**
     * Whether a method loads a token constant itself, or calls (through methods of its nest) one
     * that does: hand-written v2 code reads with a helper that gets the token and sets the header.
     */
    private static boolean reachesToken(String method, Nest nest) {
        java.util.Deque<String> todo = new java.util.ArrayDeque<String>();
        Set<String> seen = new java.util.HashSet<String>();
        todo.add(method);
        while (!todo.isEmpty()) {
            String next = todo.poll();
            if (!seen.add(next)) {
                continue;
            }
            if (nest.tokenMethods.contains(next)) {
                return true;
            }
            Set<String> callees = nest.calls.get(next);
            if (callees != null) {
                todo.addAll(callees);
            }
        }
        return false;
    }

    /** The token methods and calls of a class and its inner classes. */
    private static final class Nest {
        final Set<String> tokenMethods = new java.util.HashSet<String>();
        final Map<String, Set<String>> calls = new HashMap<String, Set<String>>();
    }

    private static boolean hasToken(Set<ImdsMarker> markers) {
        return markers != null
                && (markers.contains(ImdsMarker.TOKEN_PATH)
                        || markers.contains(ImdsMarker.TOKEN_HEADER));
    }
}
