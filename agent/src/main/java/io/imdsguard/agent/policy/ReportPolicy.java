package io.imdsguard.agent.policy;

import io.imdsguard.agent.detect.CallerFrames;
import io.imdsguard.agent.detect.ImdsRequest;

/** mode=report: observe, change nothing. */
public final class ReportPolicy implements RequestPolicy {

    @Override
    public Decision decideV1(ImdsRequest request, CallerFrames caller) {
        return Decision.v1(Action.OBSERVED, Decision.NO_REASON, null);
    }
}
