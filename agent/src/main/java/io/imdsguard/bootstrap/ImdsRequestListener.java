package io.imdsguard.bootstrap;

import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.Socket;

/**
 * What the agent core does with a request the JDK is about to send. Implemented by the core, which
 * lives in the agent's own class loader; this interface lives on the bootstrap path so that advice
 * woven into JDK classes can reach it. Only JDK types appear here for that reason: a
 * {@code java.net.http.HttpRequest} travels as {@link Object} because the bootstrap loader cannot
 * see the {@code java.net.http} module's types from Java 8 bytecode.
 */
public interface ImdsRequestListener {

    /**
     * Called before an {@link HttpURLConnection} connects, while its headers can still change.
     *
     * @param clientProxy the {@code Proxy} given to {@code URL.openConnection(Proxy)}, or null when the
     *                    connection follows the JVM's default proxy settings
     * @return true when the request is to IMDS: {@link #leftImdsCall} follows when the method returns
     */
    boolean beforeConnect(HttpURLConnection connection, java.net.Proxy clientProxy);

    /** HttpURLConnection enters ({@code true}) or leaves its handling of a redirect answer on this thread. */
    void followingRedirect(boolean entering);

    /** A synchronous client's method is about to send a request to IMDS on this thread. */
    void enteredImdsCall();

    /**
     * The client method that {@link #enteredImdsCall entered}, or whose {@link #beforeConnect} said
     * IMDS, has returned or thrown.
     */
    void leftImdsCall();

    /**
     * Called before {@code java.net.http.HttpClient} sends a request.
     *
     * @param httpClient the client that sends it: its proxy decides where the request goes
     * @return the request to send: the same one, or a replacement
     */
    Object beforeSend(Object httpClient, Object httpRequest);

    /**
     * Called when {@code java.net.http.HttpClient} is about to follow a redirect answer to
     * {@code sentRequest}, whose headers (a token among them) it copies onto the next request.
     *
     * @return true when the redirect must not be followed: the application then gets the answer
     */
    boolean refusesRedirect(Object sentRequest);

    /**
     * Called when {@code java.net.http.HttpClient} has started sending {@code sentRequest}.
     *
     * @return the future to hand to the application: the same one, or one that retries once
     */
    Object afterSend(Object httpClient, Object sentRequest, Object bodyHandler, Object responseFuture);

    /** Called when an {@link HttpURLConnection} got a 401 answer. */
    void unauthorized(HttpURLConnection connection);

    /**
     * Whether {@code scheme://host:port} is IMDS ({@code port} below 0 for the scheme's default): a
     * cheap first test for advice that would otherwise build a URL string for every request the
     * application makes.
     */
    boolean isImds(String scheme, String host, int port);

    /**
     * Called by the advice of an HTTP client library before it sends a request. Only strings and
     * booleans cross here: the library's own types stay in its advice, which is compiled against the
     * library and inlined into it, so the agent never loads a library class itself.
     *
     * @param client the library's name for reports and metrics, e.g. {@code apache-httpclient-4}
     * @param url the absolute request URL
     * @return the value to set as {@code X-aws-ec2-metadata-token}, or null to change nothing
     */
    String beforeRequest(String client, String method, String url, boolean carriesToken, boolean forwardedFor);

    /**
     * {@link #beforeRequest} for a client whose own configuration decides whether the request goes
     * through a proxy.
     *
     * @param clientRoute what the client routes by: a {@code java.net.Proxy}, a
     *                    {@code java.net.ProxySelector}, a {@code Boolean} (whether it uses a proxy), or
     *                    null when it follows the JVM's default proxy settings
     */
    String beforeRoutedRequest(String client, String method, String url, boolean carriesToken, boolean forwardedFor,
                               Object clientRoute);

    /**
     * For clients that send from another thread than the one that made the request: remember, under
     * {@code key}, where the application made a request to {@code url} (only IMDS requests are
     * remembered).
     */
    void rememberCallSite(Object key, String url);

    /** What was remembered under {@code from} now also holds for {@code to}. */
    void passCallSite(Object from, Object to);

    /** {@link #beforeRequest}, attributed to the call site remembered under {@code key}, if any. */
    String beforeRequestFor(Object key, String client, String method, String url, boolean carriesToken,
                            boolean forwardedFor);

    /** A library's request to {@code url} that carried {@code sentToken} was answered 401. */
    void unauthorized(String url, String sentToken);

    /**
     * Called when code asks a plain {@link Socket} for its output stream: the catch-all for code no
     * client instrumentation covers.
     *
     * @return {@code out}, or a stream that reads the HTTP request heads written to an IMDS socket
     */
    OutputStream socketOutput(Socket socket, OutputStream out);

    /**
     * Called when {@code connect}, {@code getInputStream} or {@code getOutputStream} of an
     * {@link HttpURLConnection} threw: the request failed, with {@code responseCode} the status it got
     * (0 or less for none). Nested calls of one request report the same failure again.
     */
    void failed(HttpURLConnection connection, int responseCode, Throwable thrown);

    /** An NIO socket channel is connecting to {@code remote}: the connection backstop judges it by address. */
    void channelConnecting(Object channel, java.net.SocketAddress remote);

    /**
     * An NIO socket channel is about to write {@code single}, or {@code sources[offset..offset+length)}.
     *
     * @return an {@link java.io.IOException} for the write to throw (a request refused under enforce),
     *         null when the write is none of the agent's concern, or a value to pass to
     *         {@link #channelWritten} once the write returns
     */
    Object channelWrite(Object channel, java.nio.ByteBuffer single, java.nio.ByteBuffer[] sources,
                        int offset, int length);

    /** The write that {@link #channelWrite} returned {@code seen} for sent {@code sent} bytes; not told if it threw. */
    void channelWritten(Object seen, long sent);
}
