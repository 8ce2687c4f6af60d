package io.imdsguard.agent.observe;

import io.imdsguard.agent.callsite.CallSiteRegistry;
import io.imdsguard.agent.callsite.RequestTotals;
import io.imdsguard.agent.detect.CallOrigin;
import io.imdsguard.agent.detect.CallerFrames;
import io.imdsguard.agent.detect.ImdsRequest;
import io.imdsguard.agent.detect.ImdsVersion;
import io.imdsguard.agent.detect.OtherCloud;
import io.imdsguard.agent.detect.PathCategory;
import io.imdsguard.agent.detect.RequestClassifier;
import io.imdsguard.agent.diagnose.Diagnoses;
import io.imdsguard.agent.metrics.ImdsMetrics;
import io.imdsguard.agent.policy.Decision;
import io.imdsguard.agent.policy.ReportPolicy;
import io.imdsguard.agent.policy.RequestPolicy;
import io.imdsguard.agent.report.Reporter;

/**
 * What happens to every IMDS request any instrumentation sees: classify it, let the mode's policy
 * decide about a v1 request, count it, and attribute a v1 request to its call site, reporting the
 * site the first time. The client instrumentation then applies the decision.
 */
public final class RequestObserver {

    private final ImdsMetrics metrics;
    private final RequestTotals totals;
    private final CallSiteRegistry callSites;
    private final Reporter reporter;
    private final RequestPolicy policy;
    private final Diagnoses diagnoses;

    /** Report mode: observe only. */
    public RequestObserver(
            ImdsMetrics metrics,
            RequestTotals totals,
            CallSiteRegistry callSites,
            Reporter reporter) {
        this(metrics, totals, callSites, reporter, new ReportPolicy(), null);
    }

    /**
     * @param diagnoses recognises migration traps in the application's requests; null for none
     */
    public RequestObserver(
            ImdsMetrics metrics,
            RequestTotals totals,
            CallSiteRegistry callSites,
            Reporter reporter,
            RequestPolicy policy,
            Diagnoses diagnoses) {
        this.diagnoses = diagnoses;
        this.metrics = metrics;
        this.totals = totals;
        this.callSites = callSites;
        this.reporter = reporter;
        this.policy = policy;
    }

    public Decision handle(ImdsRequest request) {
        return handle(request, null);
    }

    /**
     * @param origin where the application made the request, for clients that send it from another
     *     thread; null when the request is being made on this thread, right now
     */
    public Decision handle(ImdsRequest request, CallOrigin origin) {
        ImdsVersion version = RequestClassifier.classify(request);
        Decision decision;
        CallerFrames caller = null;
        if (version == ImdsVersion.V1 || version == ImdsVersion.UNPARSED) {
            // The stack is walked only for v1 calls: those are the ones a user must find and fix,
            // and the rewrite scope is judged by their call site.
            caller =
                    origin != null
                            ? CallerFrames.of(origin.stack(), origin.classes())
                            : CallerFrames.ofCurrentThread();
            decision = policy.decideV1(request, caller);
            String thread = origin != null ? origin.thread() : Thread.currentThread().getName();
            CallSiteRegistry.Sighting sighting =
                    callSites.record(request, caller, thread, System.currentTimeMillis());
            if (sighting.site() != null) {
                sighting.site().acted(decision.action(), decision.reason());
            }
            if (sighting.first()) {
                reporter.firstSight(sighting.site(), request, thread, decision);
            }
            metrics.countCallSite(caller.siteMethod(), request.client(), decision.action().tag());
        } else if (version == ImdsVersion.OTHER_CLOUD) {
            // Another cloud's protocol: never given a token nor blocked, but its caller is named,
            // as a
            // multi-cloud library probing the address is something a user wants to know of.
            caller =
                    origin != null
                            ? CallerFrames.of(origin.stack())
                            : CallerFrames.ofCurrentThread();
            decision = Decision.observed(version);
            OtherCloud cloud = OtherCloud.of(request.path());
            if (callSites.recordOtherCloud(cloud, request, caller)) {
                String thread = origin != null ? origin.thread() : Thread.currentThread().getName();
                reporter.otherCloudFirstSight(cloud, request, caller, thread);
            }
        } else {
            decision = Decision.observed(version);
        }
        if (diagnoses != null) {
            // Diagnoses judge AWS calls only: an other-cloud probe after a token PUT is no v1
            // fallback.
            diagnoses.observe(version, request, version == ImdsVersion.V1 ? caller : null, origin);
        }
        totals.add(version, decision.action());
        metrics.countRequest(
                version.tag(),
                request.client(),
                PathCategory.of(request.path()).tag(),
                decision.action().tag(),
                decision.reason());
        return decision;
    }
}
