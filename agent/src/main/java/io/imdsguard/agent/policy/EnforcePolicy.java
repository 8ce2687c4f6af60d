package io.imdsguard.agent.policy;

import io.imdsguard.agent.detect.CallerFrames;
import io.imdsguard.agent.detect.ImdsRequest;

/**
 * mode=enforce: behave as an instance with {@code HttpTokens=required}. Each v1 request is sent
 * with a token that cannot be valid, so IMDS itself answers {@code 401}, and the application's
 * client fails exactly as it will after the switch: same status, same exception, same code path.
 */
public final class EnforcePolicy implements RequestPolicy {

    /**
     * Not a token IMDS could ever have issued (those are URL-safe base64), so it is always refused.
     */
    public static final String INVALID_TOKEN = "imds-guard-enforce:HttpTokens=required";

    @Override
    public Decision decideV1(ImdsRequest request, CallerFrames caller) {
        if (request.unparsed()) {
            // No header can be added to a head that cannot be read: the socket sniffer fails the
            // write.
            return Decision.v1(Action.BLOCKED, RewritePolicy.UNPARSED, null);
        }
        return Decision.v1(Action.BLOCKED, "http_tokens_required", INVALID_TOKEN);
    }
}
