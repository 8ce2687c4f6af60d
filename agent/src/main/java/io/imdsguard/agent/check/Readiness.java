package io.imdsguard.agent.check;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The reports of many JVMs merged into one verdict. A service is ready when none of its JVMs made
 * an IMDSv1 call: a v1 call that the agent rewrote or blocked is still code that breaks under
 * {@code HttpTokens=required} without the agent. The same call site (same id) seen in several JVMs
 * of a service is one site, with the counts added up.
 */
final class Readiness {

    final List<LoadedReport> reports;
    final Map<String, ServiceFindings> services = new TreeMap<String, ServiceFindings>();

    Readiness(List<LoadedReport> reports) {
        this.reports = reports;
        for (LoadedReport report : reports) {
            ServiceFindings service = services.get(report.service);
            if (service == null) {
                service = new ServiceFindings(report.service);
                services.put(report.service, service);
            }
            service.add(report);
        }
    }

    boolean ready() {
        for (ServiceFindings service : services.values()) {
            if (!service.ready()) {
                return false;
            }
        }
        return true;
    }

    List<MergedSite> allSites() {
        List<MergedSite> all = new ArrayList<MergedSite>();
        for (ServiceFindings service : services.values()) {
            all.addAll(service.sites());
        }
        return all;
    }

    long total(Total which) {
        long sum = 0;
        for (LoadedReport report : reports) {
            sum += which.of(report);
        }
        return sum;
    }

    int notReadyServices() {
        int n = 0;
        for (ServiceFindings service : services.values()) {
            n += service.ready() ? 0 : 1;
        }
        return n;
    }

    enum Total {
        V1,
        V2,
        TOKEN,
        BLOCKED,
        UNATTRIBUTED;

        long of(LoadedReport report) {
            switch (this) {
                case V1:
                    return report.v1;
                case V2:
                    return report.v2;
                case TOKEN:
                    return report.token;
                case BLOCKED:
                    return report.blocked;
                default:
                    return unattributed(report);
            }
        }
    }

    /**
     * v1 calls that no listed call site accounts for: beyond the site cap, or a report cut short.
     */
    static long unattributed(LoadedReport report) {
        long attributed = 0;
        for (LoadedReport.SiteEntry site : report.sites) {
            attributed += site.count;
        }
        return Math.max(report.v1Unattributed, report.v1 - attributed);
    }

    /** What the JVMs of one service found. */
    static final class ServiceFindings {
        final String name;
        final List<LoadedReport> jvms = new ArrayList<LoadedReport>();
        private final Map<String, MergedSite> sites = new LinkedHashMap<String, MergedSite>();
        private final Map<String, MergedDiagnosis> diagnoses =
                new LinkedHashMap<String, MergedDiagnosis>();
        long v1;
        long blocked;
        long unattributed;

        ServiceFindings(String name) {
            this.name = name;
        }

        void add(LoadedReport report) {
            jvms.add(report);
            v1 += report.v1;
            blocked += report.blocked;
            unattributed += unattributed(report);
            for (LoadedReport.SiteEntry entry : report.sites) {
                MergedSite site = sites.get(entry.id);
                if (site == null) {
                    site = new MergedSite(name, entry);
                    sites.put(entry.id, site);
                }
                site.add(entry, report);
            }
            for (LoadedReport.DiagnosisEntry entry : report.diagnoses) {
                String key = entry.kind + "\n" + entry.site + "\n" + entry.client;
                MergedDiagnosis diagnosis = diagnoses.get(key);
                if (diagnosis == null) {
                    diagnosis = new MergedDiagnosis(name, entry);
                    diagnoses.put(key, diagnosis);
                }
                diagnosis.add(entry);
            }
        }

        boolean ready() {
            return sites.isEmpty() && v1 == 0 && blocked == 0 && unattributed == 0;
        }

        /** The busiest first; ties by frame, so the output is the same on every run. */
        List<MergedSite> sites() {
            List<MergedSite> list = new ArrayList<MergedSite>(sites.values());
            Collections.sort(
                    list,
                    new Comparator<MergedSite>() {
                        @Override
                        public int compare(MergedSite a, MergedSite b) {
                            return a.count != b.count
                                    ? Long.compare(b.count, a.count)
                                    : a.site.compareTo(b.site);
                        }
                    });
            return list;
        }

        List<MergedDiagnosis> diagnoses() {
            return new ArrayList<MergedDiagnosis>(diagnoses.values());
        }

        long siteCount() {
            return sites.size();
        }

        /**
         * The sites that only {@code scan} found, in archives: nothing of them was seen running.
         */
        long staticSiteCount() {
            long n = 0;
            for (MergedSite site : sites.values()) {
                n += site.origin != null ? 1 : 0;
            }
            return n;
        }
    }

    /** One call site of one service, over all its JVMs. */
    static final class MergedSite {
        final String service;
        final String id;
        final String client;
        final String method;
        final String pathCategory;
        final String examplePath;
        final String site;
        final String thread;
        final List<String> stack;

        /** Non-null for a site that {@code scan} found in an archive and no JVM reported. */
        final LoadedReport.StaticOrigin origin;

        /**
         * The archive of the site's class as the first JVM reporting it saw it; null when no report
         * said.
         */
        LoadedReport.LoadedFrom loadedFrom;

        final Map<String, Long> actions = new TreeMap<String, Long>();
        final List<LoadedReport> jvms = new ArrayList<LoadedReport>();
        long count;
        String firstSeen;
        String lastSeen;

        MergedSite(String service, LoadedReport.SiteEntry first) {
            this.service = service;
            this.id = first.id;
            this.client = first.client;
            this.method = first.method;
            this.pathCategory = first.pathCategory;
            this.examplePath = first.examplePath;
            this.site = first.site;
            this.thread = first.thread;
            this.stack = first.stack;
            this.origin = first.origin;
            this.loadedFrom = first.loadedFrom;
            this.firstSeen = first.firstSeen;
            this.lastSeen = first.lastSeen;
        }

        void add(LoadedReport.SiteEntry entry, LoadedReport report) {
            count += entry.count;
            if (loadedFrom == null) {
                // an older agent's report beside a newer one's: the one that knows tells
                loadedFrom = entry.loadedFrom;
            }
            for (Map.Entry<String, Long> action : entry.actions.entrySet()) {
                Long before = actions.get(action.getKey());
                actions.put(action.getKey(), (before == null ? 0 : before) + action.getValue());
            }
            if (!jvms.contains(report)) {
                jvms.add(report);
            }
            // ISO-8601 UTC instants of one format order as text
            if (entry.firstSeen.compareTo(firstSeen) < 0) {
                firstSeen = entry.firstSeen;
            }
            if (entry.lastSeen.compareTo(lastSeen) > 0) {
                lastSeen = entry.lastSeen;
            }
        }

        boolean blocked() {
            return actions.containsKey("blocked");
        }

        /**
         * {@code blocked 3, observed 1} with {@code " "} and {@code ", "}; {@code
         * blocked:3,observed:1} compact.
         */
        String actionsText(String between, String separator) {
            StringBuilder text = new StringBuilder();
            for (Map.Entry<String, Long> action : actions.entrySet()) {
                text.append(text.length() > 0 ? separator : "")
                        .append(action.getKey())
                        .append(between)
                        .append(action.getValue());
            }
            return text.length() == 0 ? "none" : text.toString();
        }
    }

    /** One diagnosis of one service, over all its JVMs. */
    static final class MergedDiagnosis {
        final String service;
        final String kind;
        final String site;
        final String client;
        final String advice;
        long count;
        long tokens;
        long reads;
        Double givenRatio;

        MergedDiagnosis(String service, LoadedReport.DiagnosisEntry first) {
            this.service = service;
            this.kind = first.kind;
            this.site = first.site;
            this.client = first.client;
            this.advice = first.advice;
        }

        void add(LoadedReport.DiagnosisEntry entry) {
            count += entry.count;
            tokens += entry.tokens;
            reads += entry.reads;
            if (entry.tokensPerRead != null
                    && (givenRatio == null || entry.tokensPerRead > givenRatio)) {
                givenRatio = entry.tokensPerRead;
            }
        }

        /**
         * Tokens per read over all JVMs, or the highest a report gave when reads were not counted.
         */
        Double tokensPerRead() {
            return reads > 0 ? Double.valueOf((double) tokens / reads) : givenRatio;
        }

        String ratioText() {
            Double ratio = tokensPerRead();
            StringBuilder text = new StringBuilder();
            if (tokens > 0 || reads > 0) {
                text.append(tokens).append(" token(s) for ").append(reads).append(" read(s)");
            }
            if (ratio != null) {
                text.append(text.length() > 0 ? ", " : "")
                        .append(String.format(java.util.Locale.ROOT, "%.2f", ratio))
                        .append(" tokens per read");
            }
            if (count > 0) {
                text.append(text.length() > 0 ? ", " : "").append(count).append(" time(s)");
            }
            return text.toString();
        }
    }
}
