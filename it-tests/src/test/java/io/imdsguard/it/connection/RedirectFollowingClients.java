package io.imdsguard.it.connection;

import io.imdsguard.it.apps.indirect.IndirectRequestsApp;
import io.imdsguard.it.apps.indirect.RedirectFollowingClientsApp;
import io.imdsguard.it.apps.indirect.RedirectFollowingJettyApp;
import io.imdsguard.it.support.AppJvm;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The clients that follow redirects by themselves, beyond the blocking three of {@link
 * IndirectRequestsApp}: each one's app, started with the client name and the URL.
 */
final class RedirectFollowingClients {

    /**
     * Jetty 9.4, 11 and 12, Apache HttpClient 5 classic, AsyncHttpClient, Vert.x WebClient, Reactor
     * Netty.
     */
    static final List<String> NAMES =
            List.of("jetty", "jetty11", "jetty12", "apache5", "ahc", "vertx", "reactor");

    /**
     * Those that write through NIO channels: under enforce a refused request may fail the call (the
     * write is refused) rather than answer {@code 401}.
     */
    static final List<String> NIO =
            List.of("jetty", "jetty11", "jetty12", "ahc", "vertx", "reactor");

    /**
     * Jetty's generations (two instrumentations, 9.4 to 11 and 12), by the folder of their jars.
     */
    static final Map<String, String> JETTY =
            Map.of("jetty", "jetty-9.4", "jetty11", "jetty-11", "jetty12", "jetty-12");

    private RedirectFollowingClients() {}

    /** The app for {@code client}, or {@code null} when it is none of these. */
    static AppJvm app(String client, String url) {
        if (JETTY.containsKey(client)) {
            return AppJvm.mainClassWithLibraries(
                    JETTY.get(client), RedirectFollowingJettyApp.class, client, url);
        }
        if (NAMES.contains(client)) {
            return AppJvm.mainClass(RedirectFollowingClientsApp.class, client, url);
        }
        return null;
    }

    /** The class whose method is the application's call site for {@code client}. */
    static String appClass(String client) {
        if (JETTY.containsKey(client)) {
            return RedirectFollowingJettyApp.class.getName();
        }
        return NAMES.contains(client)
                ? RedirectFollowingClientsApp.class.getName()
                : IndirectRequestsApp.class.getName();
    }

    static List<String> withBlockingClients(String... blocking) {
        List<String> all = new ArrayList<>(List.of(blocking));
        all.addAll(NAMES);
        return all;
    }
}
