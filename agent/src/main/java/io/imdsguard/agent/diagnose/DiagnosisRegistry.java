package io.imdsguard.agent.diagnose;

import io.imdsguard.agent.environment.RuntimeInfo;
import io.imdsguard.agent.log.AgentLog;
import io.imdsguard.agent.log.Sanitizer;
import io.imdsguard.agent.metrics.ImdsMetrics;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The diagnoses made in this JVM, one per kind and site. The first occurrence at a site is logged
 * once; every occurrence is counted in {@code imds.diagnoses}.
 */
public final class DiagnosisRegistry {

    /**
     * Diagnoses are per code location, so few; past this many, occurrences count under {@code
     * site=other}.
     */
    static final int MAX_DIAGNOSES = 100;

    static final String OTHER_SITE = "other";

    private final ConcurrentMap<String, Diagnosis> diagnoses =
            new ConcurrentHashMap<String, Diagnosis>();
    private final AtomicLong changes = new AtomicLong();
    private final AgentLog log;
    private final RuntimeInfo runtime;
    private final ImdsMetrics metrics;

    public DiagnosisRegistry(AgentLog log, RuntimeInfo runtime, ImdsMetrics metrics) {
        this.log = log;
        this.runtime = runtime;
        this.metrics = metrics;
    }

    AgentLog log() {
        return log;
    }

    void occurred(
            DiagnosisKind kind,
            String site,
            String siteTag,
            String client,
            TokenSite tokens,
            String failure,
            long times,
            long now,
            String thread) {
        changes.incrementAndGet();
        String key = kind.id() + '|' + site;
        Diagnosis diagnosis = diagnoses.get(key);
        boolean first = false;
        if (diagnosis == null) {
            if (diagnoses.size() >= MAX_DIAGNOSES) {
                metrics.countDiagnosis(kind.tag(), OTHER_SITE, times);
                return;
            }
            Diagnosis created = new Diagnosis(kind, site, siteTag, client, tokens, failure, now);
            Diagnosis raced = diagnoses.putIfAbsent(key, created);
            diagnosis = raced != null ? raced : created;
            first = raced == null;
        }
        diagnosis.occurred(times, failure, now);
        metrics.countDiagnosis(kind.tag(), siteTag, times);
        if (first) {
            log.info(line(diagnosis, thread));
        }
    }

    /** The log line of a diagnosis made for the first time at its site. */
    String line(Diagnosis d, String thread) {
        StringBuilder text =
                new StringBuilder("diagnosis ")
                        .append(d.kind().id())
                        .append(" at ")
                        .append(d.site())
                        .append(": client=")
                        .append(d.client());
        if (d.kind() == DiagnosisKind.HOP_LIMIT) {
            text.append(" failure=").append(d.failure().replace(' ', '_'));
        } else {
            text.append(" tokens=")
                    .append(d.tokens())
                    .append(" reads=")
                    .append(d.reads())
                    .append(" tokens-per-read=")
                    .append(String.format(Locale.ROOT, "%.2f", d.tokensPerRead()));
        }
        text.append(" service=")
                .append(runtime.service())
                .append(" pid=")
                .append(runtime.pid())
                .append(" host=")
                .append(runtime.host())
                .append(" thread=")
                .append(Sanitizer.forLog(thread, 128))
                .append(": ")
                .append(DiagnosisAdvice.meaning(d.kind(), d.failure()))
                .append("; advice: ")
                .append(d.advice())
                .append(
                        " (first diagnosis at this site; every occurrence is counted in the report and in"
                                + " imds_diagnoses_total)");
        return text.toString();
    }

    /** Every diagnosis, the most frequent first. */
    public List<Diagnosis> snapshot() {
        List<Diagnosis> all = new ArrayList<Diagnosis>(diagnoses.values());
        Collections.sort(
                all,
                new Comparator<Diagnosis>() {
                    @Override
                    public int compare(Diagnosis a, Diagnosis b) {
                        int byCount = Long.compare(b.count(), a.count());
                        return byCount != 0
                                ? byCount
                                : (a.kind().id() + a.site()).compareTo(b.kind().id() + b.site());
                    }
                });
        return all;
    }

    /** Grows with every occurrence, so the report writer can tell whether to write again. */
    public long changes() {
        return changes.get();
    }
}
