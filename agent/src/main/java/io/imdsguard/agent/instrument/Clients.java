package io.imdsguard.agent.instrument;

import io.imdsguard.agent.instrument.apachehttpclient4.ApacheHttpClient4Description;
import io.imdsguard.agent.instrument.apachehttpclient5.ApacheHttpClient5Description;
import io.imdsguard.agent.instrument.asynchttpclient.AsyncHttpClientDescription;
import io.imdsguard.agent.instrument.httpurlconnection.HttpUrlConnectionDescription;
import io.imdsguard.agent.instrument.jdkhttpclient.JdkHttpClientDescription;
import io.imdsguard.agent.instrument.jetty.JettyDescription;
import io.imdsguard.agent.instrument.nio.SocketChannelDescription;
import io.imdsguard.agent.instrument.okhttp.OkHttpDescription;
import io.imdsguard.agent.instrument.reactornetty.ReactorNettyDescription;
import io.imdsguard.agent.instrument.socket.SocketDescription;
import io.imdsguard.agent.instrument.vertx.VertxWebClientDescription;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Every client the agent instruments: one line each, the rest is in the client's folder (see {@link
 * ClientDescription}). The lists the agent needs about its clients are gathered from here. {@code
 * ClientsTest} fails for a client folder that is missing here.
 */
public final class Clients {

    static final List<ClientDescription> ALL =
            Collections.unmodifiableList(
                    Arrays.asList(
                            HttpUrlConnectionDescription.CLIENT,
                            JdkHttpClientDescription.CLIENT,
                            ApacheHttpClient4Description.CLIENT,
                            ApacheHttpClient5Description.CLASSIC,
                            ApacheHttpClient5Description.ASYNC,
                            OkHttpDescription.CLIENT,
                            AsyncHttpClientDescription.CLIENT,
                            VertxWebClientDescription.CLIENT,
                            ReactorNettyDescription.CLIENT,
                            JettyDescription.JETTY_9_TO_11,
                            JettyDescription.JETTY_12,
                            SocketDescription.CLIENT,
                            SocketChannelDescription.CLIENT));

    private Clients() {}

    /** The classes to weave, by name: what premain watches for. */
    static List<String> watchedClasses() {
        List<String> names = new ArrayList<String>();
        for (ClientDescription client : ALL) {
            names.addAll(client.watchedClasses());
        }
        return Collections.unmodifiableList(names);
    }

    /** The package prefixes of the clients' library frames, each once. */
    public static List<String> libraryFrames() {
        Set<String> prefixes = new LinkedHashSet<String>();
        for (ClientDescription client : ALL) {
            prefixes.addAll(client.libraryFrames());
        }
        return new ArrayList<String>(prefixes);
    }

    /**
     * Frames that show a client with hooks of its own sending through {@code transport}, each
     * prefix once.
     */
    public static String[] sendingFrames(ClientDescription.Transport transport) {
        Set<String> prefixes = new LinkedHashSet<String>();
        for (ClientDescription client : ALL) {
            if (client.transport() == transport) {
                prefixes.addAll(client.sendingFrames());
            }
        }
        return prefixes.toArray(new String[0]);
    }
}
