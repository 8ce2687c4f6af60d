package io.imdsguard.agent;

import io.imdsguard.agent.detect.CallerFrames;
import io.imdsguard.agent.detect.ImdsRequest;
import io.imdsguard.agent.detect.ImdsVersion;
import io.imdsguard.agent.detect.PathCategory;
import io.imdsguard.agent.detect.RequestClassifier;
import io.imdsguard.agent.metrics.ImdsMetrics;
import io.imdsguard.agent.report.CallSiteRegistry;
import io.imdsguard.agent.report.Reporter;
import io.imdsguard.agent.report.RequestTotals;

/**
 * What happens to every IMDS request any instrumentation sees: classify it, count it, and for a v1
 * request attribute it to its call site, reporting the site the first time.
 */
public final class RequestObserver {

    static final String ACTION_OBSERVED = "observed";

    private final ImdsMetrics metrics;
    private final RequestTotals totals;
    private final CallSiteRegistry callSites;
    private final Reporter reporter;

    public RequestObserver(ImdsMetrics metrics, RequestTotals totals, CallSiteRegistry callSites, Reporter reporter) {
        this.metrics = metrics;
        this.totals = totals;
        this.callSites = callSites;
        this.reporter = reporter;
    }

    public ImdsVersion observe(ImdsRequest request) {
        ImdsVersion version = RequestClassifier.classify(request);
        totals.add(version);
        metrics.countRequest(version.tag(), request.client(), PathCategory.of(request.path()).tag(), ACTION_OBSERVED);
        if (version == ImdsVersion.V1) {
            // The stack is walked only for v1 calls: those are the ones a user must find and fix.
            CallerFrames caller = CallerFrames.of(new Throwable().getStackTrace());
            String thread = Thread.currentThread().getName();
            CallSiteRegistry.Sighting sighting = callSites.record(request, caller, thread, System.currentTimeMillis());
            if (sighting.first()) {
                reporter.firstSight(sighting.site(), request, thread);
            }
        }
        return version;
    }
}
