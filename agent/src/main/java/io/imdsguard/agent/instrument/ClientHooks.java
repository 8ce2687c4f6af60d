package io.imdsguard.agent.instrument;

/**
 * What a JDK client's folder does with the client's own objects, which the bridge's generic verbs
 * ({@code ImdsBridge.sending}, {@code answered}, {@code refusesRedirect}) hand over untyped: the
 * bootstrap bridge names no client's types. Library clients need none: their advice reads their
 * requests and speaks the bridge's string verbs.
 *
 * <p>An implementation is named in its client's {@link ClientDescription} and made once the bridge
 * is connected, with a public constructor taking {@link ClientContext}. It guards itself: a failure
 * is logged once and the request goes on unchanged.
 */
public interface ClientHooks {

    /**
     * @param request what the client is about to send (or, for the socket catch-all, the stream it
     *     will write to)
     * @param route what else decides where it goes: its proxy, or the client that sends it
     * @return null when the request is none of the agent's concern; else what the client goes on
     *     with (for a synchronous client, counted in: {@link ImdsClientCalls#leave} follows)
     */
    Object sending(Object request, Object route);

    /**
     * @return what the client hands on instead of {@code answer}, or null for {@code answer} as it
     *     is
     */
    Object answered(Object request, Object sender, Object answer, Object detail);

    /**
     * @return true when a redirect answer to {@code sentRequest} must not be followed
     */
    boolean refusesRedirect(Object sentRequest);
}
