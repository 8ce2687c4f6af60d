package io.imdsguard.agent.policy;

import io.imdsguard.agent.config.CallerScope;
import io.imdsguard.agent.detect.CallerFrames;
import io.imdsguard.agent.detect.ImdsRequest;
import io.imdsguard.agent.rewrite.TokenProvider;
import io.imdsguard.agent.rewrite.TokenResult;

/**
 * mode=rewrite: a v1 request from a trusted call site is sent as v2 with the agent's token.
 * Anything else goes on unchanged: out of scope, relayed (any relay header), reached by a redirect
 * or an alias, proxied, or no token to be had.
 */
public final class RewritePolicy implements RequestPolicy {

    public static final String OUT_OF_SCOPE = "out_of_scope";
    public static final String RELAYED = "relayed";
    public static final String UNPARSED = "unparsed";
    public static final String PROXY = "proxy";

    private final CallerScope scope;
    private final TokenProvider tokens;

    public RewritePolicy(CallerScope scope, TokenProvider tokens) {
        this.scope = scope;
        this.tokens = tokens;
    }

    @Override
    public Decision decideV1(ImdsRequest request, CallerFrames caller) {
        if (request.unparsed()) {
            // Unread, it may carry a relay header or a token of its own: never given the agent's
            // token.
            return Decision.v1(Action.REWRITE_DENIED, UNPARSED, null);
        }
        if (request.relayed()) {
            // A request relayed for someone else is exactly what IMDSv2 refuses to serve.
            return Decision.v1(Action.REWRITE_DENIED, RELAYED, null);
        }
        if (request.indirect() != null) {
            // The application's URL did not name IMDS: a redirect, or a name that resolves to it,
            // led
            // there. That is how an SSRF flaw reaches IMDS, whatever the call site.
            return Decision.v1(Action.REWRITE_DENIED, request.indirect(), null);
        }
        if (!scope.admits(caller)) {
            return Decision.v1(Action.REWRITE_DENIED, OUT_OF_SCOPE, null);
        }
        if (ProxyCheck.proxied(request.origin(), request.clientRoute())) {
            // The token is written only on a connection to the IMDS that issued it, never to a
            // proxy.
            return Decision.v1(Action.REWRITE_DENIED, PROXY, null);
        }
        TokenResult token = tokens.token(request.origin());
        if (!token.ok()) {
            return Decision.v1(Action.REWRITE_FAILED, token.failureReason(), null);
        }
        return Decision.v1(Action.REWRITTEN, Decision.NO_REASON, token.value());
    }
}
