package io.imdsguard.agent.policy;

import io.imdsguard.agent.detect.CallerFrames;
import io.imdsguard.agent.detect.ImdsRequest;

/** Decides what happens to a v1 request; one implementation per mode. */
public interface RequestPolicy {

    Decision decideV1(ImdsRequest request, CallerFrames caller);
}
