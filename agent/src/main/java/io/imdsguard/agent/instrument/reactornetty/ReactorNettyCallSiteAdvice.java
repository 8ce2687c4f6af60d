package io.imdsguard.agent.instrument.reactornetty;

import io.imdsguard.bootstrap.ImdsBridge;
import net.bytebuddy.asm.Advice;
import reactor.netty.http.client.HttpClientConfig;

/**
 * Carries the application's call site from where a Reactor Netty request is made to where it is
 * sent: see {@link ReactorNettyInstrumentation}. Only IMDS requests are remembered.
 */
public final class ReactorNettyCallSiteAdvice {

    private ReactorNettyCallSiteAdvice() {}

    /**
     * The end of {@code MonoHttpConnect(HttpClientConfig)}: the request is made, on the caller's
     * thread.
     */
    public static final class Assembled {
        private Assembled() {}

        @Advice.OnMethodExit(suppress = Throwable.class)
        static void exit(@Advice.Argument(0) HttpClientConfig config) {
            String uri = config.uri();
            if (uri != null && !uri.startsWith("http") && config.baseUrl() != null) {
                uri = config.baseUrl() + uri;
            }
            ImdsBridge.rememberCallSite(config, uri);
        }
    }

    /** The end of {@code HttpClientHandler(HttpClientConfig)}: one per subscription. */
    public static final class Subscribed {
        private Subscribed() {}

        @Advice.OnMethodExit(suppress = Throwable.class)
        static void exit(@Advice.This Object handler, @Advice.Argument(0) Object config) {
            ImdsBridge.passCallSite(config, handler);
        }
    }

    /** The start of {@code HttpClientHandler.channel(HttpClientOperations)}: a request goes out. */
    public static final class Sending {
        private Sending() {}

        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.This Object handler, @Advice.Argument(0) Object operations) {
            ImdsBridge.passCallSite(handler, operations);
        }
    }
}
