package io.imdsguard.agent.report;

import io.imdsguard.agent.callsite.CallSite;
import io.imdsguard.agent.callsite.CallSiteRegistry;
import io.imdsguard.agent.callsite.RequestTotals;
import io.imdsguard.agent.config.CallerScope;
import io.imdsguard.agent.detect.CallerFrames;
import io.imdsguard.agent.detect.ImdsRequest;
import io.imdsguard.agent.detect.ImdsVersion;
import io.imdsguard.agent.detect.OtherCloud;
import io.imdsguard.agent.diagnose.DiagnosisRegistry;
import io.imdsguard.agent.environment.RuntimeInfo;
import io.imdsguard.agent.log.AgentLog;
import io.imdsguard.agent.log.Sanitizer;
import io.imdsguard.agent.policy.Action;
import io.imdsguard.agent.policy.Decision;
import io.imdsguard.agent.policy.RewritePolicy;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * Tells the user what the agent found: a log block at the first sight of each v1 call site, the
 * JSON report rewritten periodically and at exit, and a one-line summary at exit.
 */
public final class Reporter {

    private final AgentLog log;
    private final RuntimeInfo runtime;
    private volatile String mode;
    private final RequestTotals totals;
    private final CallSiteRegistry registry;
    private final String reportPath;
    private ReportFile reportFile;
    private boolean reportFileFailed;
    private long writtenAtChange = -1;
    private volatile DiagnosisRegistry diagnoses;

    public Reporter(
            AgentLog log,
            RuntimeInfo runtime,
            String mode,
            RequestTotals totals,
            CallSiteRegistry registry,
            String reportPath) {
        this.log = log;
        this.runtime = runtime;
        this.mode = mode;
        this.totals = totals;
        this.registry = registry;
        this.reportPath = reportPath;
    }

    /** The report's {@code diagnoses} come from here (none until this is called). */
    public void reportDiagnoses(DiagnosisRegistry registry) {
        this.diagnoses = registry;
    }

    /** The mode changed at run time (attach or JMX): the next report says so. */
    public void modeChanged(String newMode) {
        this.mode = newMode;
        registry.touch();
    }

    /** Where the report goes, or null when the key {@code report} is not set. */
    public String reportPath() {
        return reportPath;
    }

    /**
     * Writes the report now, changed or not; null when there is no report or it cannot be written.
     */
    public synchronized String writeReportNow() {
        writeReport(true);
        return reportPath == null || reportFileFailed || reportFile == null
                ? null
                : reportFile.path().toString();
    }

    /** The log block for a call site seen for the first time. */
    public void firstSight(CallSite site, ImdsRequest request, String thread, Decision decision) {
        List<String> lines = new ArrayList<String>(site.frames().size() + 1);
        lines.add(
                (request.unparsed()
                                ? "IMDS request the agent could not read (unparsed) from "
                                : "IMDSv1 call from ")
                        + site.site()
                        + ": client="
                        + site.client()
                        + " method="
                        + Sanitizer.forLog(request.method(), 16)
                        + " path="
                        + pathForLog(request.path())
                        + " thread="
                        + Sanitizer.forLog(thread, 128)
                        + " site-id="
                        + site.id()
                        + " action="
                        + decision.action().tag()
                        + via(site)
                        + explain(site, decision)
                        + " (first sight; later calls from this site are counted in the report) in "
                        + runtime.where());
        String origin = origin(site);
        if (origin != null) {
            lines.add(origin);
        }
        for (String frame : site.frames()) {
            lines.add("    at " + frame);
        }
        log.block(lines);
    }

    /** The first request of another cloud's metadata protocol from a call site. */
    public void otherCloudFirstSight(
            OtherCloud cloud, ImdsRequest request, CallerFrames caller, String thread) {
        log.info(
                cloud.displayName()
                        + " metadata request (not AWS IMDS) from "
                        + caller.site()
                        + ": client="
                        + request.client()
                        + " method="
                        + Sanitizer.forLog(request.method(), 16)
                        + " path="
                        + pathForLog(request.path())
                        + " thread="
                        + Sanitizer.forLog(thread, 128)
                        + " category=other_cloud cloud="
                        + cloud.tag()
                        + ": never given the agent's token, and not part of"
                        + " the IMDSv2 readiness verdict (first sight; later requests are counted in the report)");
    }

    /**
     * The application frame below an SDK's IMDS class ({@code called-from=}), or the library that
     * made the request for the site ({@code via=}, its jar): what the site alone does not say.
     */
    static String via(CallSite site) {
        if (site.applicationFrame() != null) {
            return " called-from=" + site.applicationFrame();
        }
        return site.library() != null ? " via=" + site.library() : "";
    }

    /**
     * {@code archive=... coordinates=... fix: ...}: where the site's class came from and, when the
     * library table knows it, what to upgrade or set; null when the archive is unknown.
     */
    static String origin(CallSite site) {
        if (site.archive() == null) {
            return null;
        }
        StringBuilder line =
                new StringBuilder("    archive=").append(site.archive().replace(" ", "%20"));
        if (site.coordinates() != null) {
            line.append(" coordinates=")
                    .append(site.coordinates())
                    .append(" (from ")
                    .append(site.coordinatesFrom())
                    .append(')');
        }
        if (site.remediation() != null) {
            line.append(" fix: ").append(site.remediation());
        }
        return line.toString();
    }

    /**
     * The path, escaped and capped, with spaces as {@code %20}: a path is chosen by whoever forged
     * the request, and a space in it could otherwise fake further {@code key=value} fields of the
     * line.
     */
    static String pathForLog(String path) {
        return Sanitizer.path(path).replace(" ", "%20");
    }

    /**
     * The NIO connection backstop's client tag (ChannelRequests.CLIENT): it refuses by failing the
     * write.
     */
    private static final String NIO_CHANNEL = "nio-channel";

    /** Why the agent did what it did, in words that say what the user can do about it. */
    static String explain(CallSite site, Decision decision) {
        if (RewritePolicy.UNPARSED.equals(decision.reason())) {
            return decision.action() == Action.BLOCKED
                    ? ": refused, the agent could not read the request head and it must not reach IMDS as v1"
                            + " (mode=enforce: the write failed with an IOException)"
                    : ": the agent could not read the request head; sent unchanged, never rewritten";
        }
        switch (decision.action()) {
            case REWRITTEN:
                return ": sent as IMDSv2 with the agent's token";
            case BLOCKED:
                if (NIO_CHANNEL.equals(site.client())) {
                    return ": refused, the write to IMDS failed with an IOException (mode=enforce;"
                            + " HttpTokens=required will refuse it with 401)";
                }
                return ": refused with 401, as HttpTokens=required will refuse it (mode=enforce)";
            case REWRITE_FAILED:
                return ": no IMDSv2 token (reason " + decision.reason() + "), sent unchanged as v1";
            case REWRITE_DENIED:
                if (RewritePolicy.RELAYED.equals(decision.reason())) {
                    return ": not rewritten, it carries a relay header such as Forwarded, X-Forwarded-For or Via"
                            + " (a relayed request is what IMDSv2 refuses)";
                }
                if (ImdsRequest.BY_REDIRECT.equals(decision.reason())) {
                    return ": not rewritten, it reached IMDS by a redirect from a URL that named another host"
                            + " (how an SSRF flaw reaches IMDS); no rewrite.callers entry changes that";
                }
                if (ImdsRequest.BY_ALIAS.equals(decision.reason())) {
                    return ": not rewritten, its URL named a host that is not IMDS's name but resolves to IMDS"
                            + "; no rewrite.callers entry changes that";
                }
                if (ImdsRequest.BY_CONNECTION_ONLY.equals(decision.reason())) {
                    return ": not rewritten, it was seen only on the connection to IMDS, where no header can be"
                            + " added (no client hook saw it); no rewrite.callers entry changes that";
                }
                if (RewritePolicy.PROXY.equals(decision.reason())) {
                    return ": not rewritten, the client sends it through a proxy, which would see the agent's token"
                            + " (IMDS is never reached through a proxy on an instance); no rewrite.callers entry"
                            + " changes that";
                }
                return ": not rewritten, "
                        + site.siteClass()
                        + " is outside rewrite.callers; add "
                        + CallerScope.suggestion(site.siteClass())
                        + " to rewrite.callers if this code is trusted";
            default:
                return "";
        }
    }

    /** Writes the report now if a path is set and something changed since the last write. */
    public synchronized void writeReport(boolean evenIfUnchanged) {
        if (reportPath == null || reportFileFailed) {
            return;
        }
        DiagnosisRegistry diagnosed = diagnoses;
        long change = registry.changes() + (diagnosed != null ? diagnosed.changes() : 0);
        if (!evenIfUnchanged && change == writtenAtChange) {
            return;
        }
        try {
            if (reportFile == null) {
                reportFile = ReportFile.open(reportPath);
            }
            reportFile.write(
                    ReportJson.render(
                            runtime,
                            mode,
                            totals,
                            registry,
                            diagnosed,
                            System.currentTimeMillis()));
            writtenAtChange = change;
        } catch (IOException | RuntimeException e) {
            reportFileFailed = true;
            log.info(
                    "cannot write the report '"
                            + reportPath
                            + "' (key 'report'): "
                            + e
                            + "; call sites are still logged here, and a summary follows at exit");
        }
    }

    /**
     * Starts rewriting the report every {@code seconds}, on a daemon thread that never delays exit.
     */
    public void startPeriodicWrites(int seconds) {
        if (reportPath == null) {
            return;
        }
        ScheduledExecutorService scheduler =
                Executors.newSingleThreadScheduledExecutor(
                        new ThreadFactory() {
                            @Override
                            public Thread newThread(Runnable task) {
                                Thread thread = new Thread(task, "imds-guard-report");
                                thread.setDaemon(true);
                                return thread;
                            }
                        });
        scheduler.scheduleWithFixedDelay(
                new Runnable() {
                    @Override
                    public void run() {
                        try {
                            writeReport(writtenAtChange < 0);
                        } catch (Throwable t) {
                            log.internalError("report writer", t);
                        }
                    }
                },
                0,
                seconds,
                TimeUnit.SECONDS);
    }

    private String actionsSummary() {
        StringBuilder text = new StringBuilder();
        for (Action action : Action.values()) {
            long n = totals.get(action);
            if (action != Action.OBSERVED && n > 0) {
                text.append(", ").append(n).append(' ').append(action.tag());
            }
        }
        return text.toString();
    }

    /** At JVM exit: the final report and a summary line. */
    public void atExit() {
        writeReport(true);
        log.info(
                "summary: "
                        + registry.snapshot().size()
                        + " IMDSv1 call site(s), "
                        + totals.get(ImdsVersion.V1)
                        + " v1 call(s), "
                        + totals.get(ImdsVersion.V2)
                        + " v2 call(s), "
                        + totals.get(ImdsVersion.TOKEN)
                        + " token request(s)"
                        + (totals.get(ImdsVersion.UNPARSED) > 0
                                ? ", " + totals.get(ImdsVersion.UNPARSED) + " unparsed request(s)"
                                : "")
                        + (totals.get(ImdsVersion.OTHER_CLOUD) > 0
                                ? ", "
                                        + totals.get(ImdsVersion.OTHER_CLOUD)
                                        + " other cloud metadata request(s)"
                                : "")
                        + actionsSummary()
                        + (reportPath != null && !reportFileFailed
                                ? "; report: " + reportFile.path()
                                : "")
                        + "; "
                        + runtime.where());
    }
}
