package io.imdsguard.agent.check;

import java.util.List;

/** One JVM's report, read back and checked against the schema: what {@code check} needs of it. */
final class LoadedReport {

    final String source;
    final String agentVersion;
    final String service;
    final String host;
    final long pid;
    final String container;
    final String pod;
    final String namespace;
    final String mode;
    final String writtenAt;
    final long v1;
    final long v2;
    final long token;
    final long v1Unattributed;
    final long blocked;
    final List<SiteEntry> sites;
    final List<DiagnosisEntry> diagnoses;

    LoadedReport(
            String source,
            String agentVersion,
            String service,
            String host,
            long pid,
            String container,
            String pod,
            String namespace,
            String mode,
            String writtenAt,
            long v1,
            long v2,
            long token,
            long v1Unattributed,
            long blocked,
            List<SiteEntry> sites,
            List<DiagnosisEntry> diagnoses) {
        this.source = source;
        this.agentVersion = agentVersion;
        this.service = service;
        this.host = host;
        this.pid = pid;
        this.container = container;
        this.pod = pod;
        this.namespace = namespace;
        this.mode = mode;
        this.writtenAt = writtenAt;
        this.v1 = v1;
        this.v2 = v2;
        this.token = token;
        this.v1Unattributed = v1Unattributed;
        this.blocked = blocked;
        this.sites = sites;
        this.diagnoses = diagnoses;
    }

    /**
     * Where the JVM ran, as the log lines say it: {@code pid 41 on host h (pod ns/p, container
     * abc)}.
     */
    String where() {
        StringBuilder text = new StringBuilder("pid ").append(pid).append(" on ").append(host);
        String pod =
                this.pod == null ? null : (namespace != null ? namespace + "/" : "") + this.pod;
        if (pod != null || container != null) {
            text.append(" (");
            if (pod != null) {
                text.append("pod ").append(pod);
            }
            if (container != null) {
                text.append(pod != null ? ", " : "")
                        .append("container ")
                        .append(shortId(container));
            }
            text.append(')');
        }
        return text.toString();
    }

    static String shortId(String id) {
        return id.length() > 12 ? id.substring(0, 12) : id;
    }

    /** One entry of {@code callSites}. */
    static final class SiteEntry {
        final String id;
        final String client;
        final String method;
        final String pathCategory;
        final String examplePath;
        final String site;
        final String thread;
        final long count;
        final java.util.Map<String, Long> actions;
        final String lastReason;
        final String firstSeen;
        final String lastSeen;
        final List<String> stack;

        /**
         * Where a {@code scan} found it ({@code "source": "static"}); null for a site seen at run
         * time.
         */
        final StaticOrigin origin;

        /**
         * The archive of a run-time site's class, with coordinates and fix; null in reports without
         * it.
         */
        final LoadedFrom loadedFrom;

        SiteEntry(
                String id,
                String client,
                String method,
                String pathCategory,
                String examplePath,
                String site,
                String thread,
                long count,
                java.util.Map<String, Long> actions,
                String lastReason,
                String firstSeen,
                String lastSeen,
                List<String> stack,
                StaticOrigin origin) {
            this(
                    id,
                    client,
                    method,
                    pathCategory,
                    examplePath,
                    site,
                    thread,
                    count,
                    actions,
                    lastReason,
                    firstSeen,
                    lastSeen,
                    stack,
                    origin,
                    null);
        }

        SiteEntry(
                String id,
                String client,
                String method,
                String pathCategory,
                String examplePath,
                String site,
                String thread,
                long count,
                java.util.Map<String, Long> actions,
                String lastReason,
                String firstSeen,
                String lastSeen,
                List<String> stack,
                StaticOrigin origin,
                LoadedFrom loadedFrom) {
            this.loadedFrom = loadedFrom;
            this.id = id;
            this.client = client;
            this.method = method;
            this.pathCategory = pathCategory;
            this.examplePath = examplePath;
            this.site = site;
            this.thread = thread;
            this.count = count;
            this.actions = actions;
            this.lastReason = lastReason;
            this.firstSeen = firstSeen;
            this.lastSeen = lastSeen;
            this.stack = stack;
            this.origin = origin;
        }
    }

    /** What {@code scan} says of a call site it found in an archive: nothing of it ran. */
    static final class StaticOrigin {
        final String archive;
        final String coordinates;
        final String library;
        final String remediation;

        StaticOrigin(String archive, String coordinates, String library, String remediation) {
            this.archive = archive;
            this.coordinates = coordinates;
            this.library = library;
            this.remediation = remediation;
        }
    }

    /**
     * Where the class of a site seen at run time came from ({@code archive}, {@code coordinates},
     * {@code coordinatesFrom}, {@code remediation} of a call site): what the user upgrades.
     */
    static final class LoadedFrom {
        final String archive;

        /** Null for a directory of classes. */
        final String coordinates;

        final String coordinatesFrom;

        /** Null when the library table does not know the library at that version. */
        final String remediation;

        LoadedFrom(String archive, String coordinates, String coordinatesFrom, String remediation) {
            this.archive = archive;
            this.coordinates = coordinates;
            this.coordinatesFrom = coordinatesFrom;
            this.remediation = remediation;
        }
    }

    /** One entry of {@code diagnoses}. */
    static final class DiagnosisEntry {
        final String kind;
        final String site;
        final String client;
        final long count;
        final long tokens;
        final long reads;
        final Double tokensPerRead;
        final String advice;

        DiagnosisEntry(
                String kind,
                String site,
                String client,
                long count,
                long tokens,
                long reads,
                Double tokensPerRead,
                String advice) {
            this.kind = kind;
            this.site = site;
            this.client = client;
            this.count = count;
            this.tokens = tokens;
            this.reads = reads;
            this.tokensPerRead = tokensPerRead;
            this.advice = advice;
        }
    }
}
