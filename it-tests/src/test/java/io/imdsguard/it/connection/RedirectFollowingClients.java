package io.imdsguard.it.connection;

import io.imdsguard.it.apps.indirect.IndirectRequestsApp;
import io.imdsguard.it.apps.indirect.RedirectFollowingClientsApp;
import io.imdsguard.it.apps.indirect.RedirectFollowingJettyApp;
import io.imdsguard.it.support.AppJvm;

import java.util.ArrayList;
import java.util.List;

/**
 * The clients that follow redirects by themselves, beyond the blocking three of
 * {@link IndirectRequestsApp}: each one's app, started with the client name and the URL.
 */
final class RedirectFollowingClients {

    /** Jetty 9.4, Apache HttpClient 5 classic, AsyncHttpClient, Vert.x WebClient, Reactor Netty. */
    static final List<String> NAMES = List.of("jetty", "apache5", "ahc", "vertx", "reactor");
    /**
     * Those that write through NIO channels: under enforce a refused request may fail the call (the
     * write is refused) rather than answer {@code 401}.
     */
    static final List<String> NIO = List.of("jetty", "ahc", "vertx", "reactor");

    private RedirectFollowingClients() {
    }

    /** The app for {@code client}, or {@code null} when it is none of these. */
    static AppJvm app(String client, String url) {
        if (client.equals("jetty")) {
            return AppJvm.mainClassWithLibraries("jetty-9.4", RedirectFollowingJettyApp.class, client, url);
        }
        if (NAMES.contains(client)) {
            return AppJvm.mainClass(RedirectFollowingClientsApp.class, client, url);
        }
        return null;
    }

    /** The class whose method is the application's call site for {@code client}. */
    static String appClass(String client) {
        if (client.equals("jetty")) {
            return RedirectFollowingJettyApp.class.getName();
        }
        return NAMES.contains(client) ? RedirectFollowingClientsApp.class.getName()
                : IndirectRequestsApp.class.getName();
    }

    static List<String> withBlockingClients(String... blocking) {
        List<String> all = new ArrayList<>(List.of(blocking));
        all.addAll(NAMES);
        return all;
    }
}
