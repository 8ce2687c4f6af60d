package io.imdsguard.bootstrap;

/**
 * What the agent core does with the requests the instrumented clients are about to send: a few
 * verbs that every client uses, whatever the client. Implemented by the core, which lives in the
 * agent's own class loader; this interface lives on the bootstrap path so that advice woven into
 * JDK classes can reach it. Only JDK types appear here for that reason, and a client's own objects
 * (a {@code java.net.http.HttpRequest}, an {@code HttpURLConnection}) travel as {@link Object}: the
 * client's folder in the agent knows what they are.
 */
public interface ImdsRequestListener {

    /**
     * Whether {@code scheme://host:port} is IMDS ({@code port} below 0 for the scheme's default): a
     * cheap first test for advice that would otherwise build a URL string for every request the
     * application makes.
     */
    boolean isImds(String scheme, String host, int port);

    /**
     * Called by the advice of an HTTP client library before it sends a request. Only strings and
     * booleans cross here: the library's own types stay in its advice, which is compiled against
     * the library and inlined into it, so the agent never loads a library class itself.
     *
     * @param client the library's name for reports and metrics, e.g. {@code apache-httpclient-4}
     * @param url the absolute request URL
     * @param clientRoute for a client whose own configuration decides whether the request goes
     *     through a proxy, what it routes by: a {@code java.net.Proxy}, a {@code
     *     java.net.ProxySelector}, a {@code Boolean} (whether it uses a proxy); null when it
     *     follows the JVM's default proxy settings
     * @param callSiteKey for a client that sends on another thread than the one that made the
     *     request, what {@link #rememberCallSite} remembered the call site under; null for this
     *     thread's
     * @return the value to set as {@code X-aws-ec2-metadata-token}, or null to change nothing
     */
    String beforeRequest(
            String client,
            String method,
            String url,
            boolean carriesToken,
            boolean forwardedFor,
            Object clientRoute,
            Object callSiteKey);

    /** A synchronous client's method is about to send a request to IMDS on this thread. */
    void enteredImdsCall();

    /**
     * The client method that {@link #enteredImdsCall entered}, or whose {@link #sending} said it is
     * the agent's concern, has returned or thrown.
     */
    void leftImdsCall();

    /**
     * A client enters ({@code true}) or leaves its handling of a redirect answer on this thread.
     */
    void followingRedirect(boolean entering);

    /** A library's request to {@code url} that carried {@code sentToken} was answered 401. */
    void unauthorized(String url, String sentToken);

    /**
     * For clients that send from another thread than the one that made the request: remember, under
     * {@code key}, where the application made a request to {@code url} (only IMDS requests are
     * remembered).
     */
    void rememberCallSite(Object key, String url);

    /** What was remembered under {@code from} now also holds for {@code to}. */
    void passCallSite(Object from, Object to);

    /**
     * A JDK client whose own objects the agent reads is about to send {@code request} (for the
     * socket catch-all: the stream a request will be written to).
     *
     * @param client the client, whose folder in the agent knows what {@code request} is
     * @param route what else decides where the request goes: its proxy, or the client that sends it
     * @return null when the request is none of the agent's concern; else what the client goes on
     *     with, {@code request} itself or a replacement. For a synchronous client, non-null also
     *     means the call was counted in: {@link #leftImdsCall} follows when the method returns
     */
    Object sending(String client, Object request, Object route);

    /**
     * A JDK client's request was answered, or failed.
     *
     * @param sender what sent it (the client), or null
     * @param answer what the client hands on (its future of the response), or what it threw; null
     *     for none
     * @param detail what else the client's folder needs: the status, or what the answer's body is
     *     read with
     * @return what the client hands on instead of {@code answer}, or null for {@code answer} as it
     *     is
     */
    Object answered(String client, Object request, Object sender, Object answer, Object detail);

    /**
     * A JDK client is about to follow a redirect answer to {@code sentRequest}, whose headers (a
     * token among them) it copies onto the next request.
     *
     * @return true when the redirect must not be followed: the application then gets the answer
     */
    boolean refusesRedirect(String client, Object sentRequest);

    /** Something escaped the listener while {@code verb} ran: told to the agent's log, once. */
    void escaped(String verb, Throwable error);

    /**
     * An NIO socket channel is connecting to {@code remote}: the connection backstop judges it by
     * address.
     */
    void channelConnecting(Object channel, java.net.SocketAddress remote);

    /**
     * An NIO socket channel is about to write {@code single}, or {@code
     * sources[offset..offset+length)}.
     *
     * @return an {@link java.io.IOException} for the write to throw (a request refused under
     *     enforce), null when the write is none of the agent's concern, or a value to pass to
     *     {@link #channelWritten} once the write returns
     */
    Object channelWrite(
            Object channel,
            java.nio.ByteBuffer single,
            java.nio.ByteBuffer[] sources,
            int offset,
            int length);

    /**
     * The write that {@link #channelWrite} returned {@code seen} for sent {@code sent} bytes; not
     * told if it threw.
     */
    void channelWritten(Object seen, long sent);
}
