package io.imdsguard.agent.report;

import io.imdsguard.agent.detect.ImdsRequest;
import io.imdsguard.agent.detect.ImdsVersion;

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
    private final String mode;
    private final RequestTotals totals;
    private final CallSiteRegistry registry;
    private final String reportPath;
    private ReportFile reportFile;
    private boolean reportFileFailed;
    private long writtenAtChange = -1;

    public Reporter(AgentLog log, RuntimeInfo runtime, String mode, RequestTotals totals, CallSiteRegistry registry,
                    String reportPath) {
        this.log = log;
        this.runtime = runtime;
        this.mode = mode;
        this.totals = totals;
        this.registry = registry;
        this.reportPath = reportPath;
    }

    /** The log block for a call site seen for the first time. */
    public void firstSight(CallSite site, ImdsRequest request, String thread) {
        List<String> lines = new ArrayList<String>(site.frames().size() + 1);
        lines.add("IMDSv1 call from " + site.site() + ": client=" + site.client() + " method="
                + Sanitizer.forLog(request.method(), 16) + " path=" + Sanitizer.path(request.path())
                + " thread=" + Sanitizer.forLog(thread, 128) + " site-id=" + site.id()
                + " (first sight; later calls from this site are counted in the report)");
        for (String frame : site.frames()) {
            lines.add("    at " + frame);
        }
        log.block(lines);
    }

    /** Writes the report now if a path is set and something changed since the last write. */
    public synchronized void writeReport(boolean evenIfUnchanged) {
        if (reportPath == null || reportFileFailed) {
            return;
        }
        long change = registry.changes();
        if (!evenIfUnchanged && change == writtenAtChange) {
            return;
        }
        try {
            if (reportFile == null) {
                reportFile = ReportFile.open(reportPath);
            }
            reportFile.write(ReportJson.render(runtime, mode, totals, registry, System.currentTimeMillis()));
            writtenAtChange = change;
        } catch (IOException | RuntimeException e) {
            reportFileFailed = true;
            log.info("cannot write the report '" + reportPath + "' (key 'report'): " + e
                    + "; call sites are still logged here, and a summary follows at exit");
        }
    }

    /** Starts rewriting the report every {@code seconds}, on a daemon thread that never delays exit. */
    public void startPeriodicWrites(int seconds) {
        if (reportPath == null) {
            return;
        }
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(new ThreadFactory() {
            @Override
            public Thread newThread(Runnable task) {
                Thread thread = new Thread(task, "imds-guard-report");
                thread.setDaemon(true);
                return thread;
            }
        });
        scheduler.scheduleWithFixedDelay(new Runnable() {
            @Override
            public void run() {
                try {
                    writeReport(writtenAtChange < 0);
                } catch (Throwable t) {
                    log.internalError("report writer", t);
                }
            }
        }, 0, seconds, TimeUnit.SECONDS);
    }

    /** At JVM exit: the final report and a summary line. */
    public void atExit() {
        writeReport(true);
        log.info("summary: " + registry.snapshot().size() + " IMDSv1 call site(s), "
                + totals.get(ImdsVersion.V1) + " v1 call(s), " + totals.get(ImdsVersion.V2) + " v2 call(s), "
                + totals.get(ImdsVersion.TOKEN) + " token request(s)"
                + (reportPath != null && !reportFileFailed ? "; report: " + reportFile.path() : ""));
    }
}
