package io.imdsguard.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The bridge never lets the agent's failure reach the application, and tells the agent's log what
 * escaped.
 */
class ImdsBridgeTest {

    private final List<String> escaped = new ArrayList<String>();

    @AfterEach
    void disconnect() {
        ImdsBridge.install(null);
    }

    @Test
    void whatEscapesTheListenerChangesNothingAndIsToldToTheLog() {
        ImdsBridge.install(
                listener(
                        new InvocationHandler() {
                            @Override
                            public Object invoke(Object proxy, Method method, Object[] args) {
                                if (method.getName().equals("escaped")) {
                                    escaped.add((String) args[0]);
                                    return null;
                                }
                                throw new IllegalStateException(
                                        "the agent failed in " + method.getName());
                            }
                        }));

        assertFalse(ImdsBridge.isImds("http", "127.0.0.1", 80));
        assertNull(
                ImdsBridge.beforeRequest(
                        "okhttp", "GET", "http://127.0.0.1/latest/meta-data/", false, false));
        assertFalse(ImdsBridge.enteredImdsCall(), "not counted in, so never counted out");
        assertNull(
                ImdsBridge.sending("HttpURLConnection", new Object(), null),
                "the request goes on as it is");
        assertNull(
                ImdsBridge.answered(
                        "java.net.http.HttpClient", new Object(), null, new Object(), null));
        assertFalse(ImdsBridge.refusesRedirect("java.net.http.HttpClient", new Object()));
        ImdsBridge.unauthorized("http://127.0.0.1/", "token");

        assertEquals(7, escaped.size(), escaped.toString());
        assertEquals("okhttp", escaped.get(1), "a client's verb names the client");
    }

    @Test
    void theGenericVerbsReachTheListenerWithTheClientsOwnObjects() {
        final Object replacement = new Object();
        ImdsBridge.install(
                listener(
                        new InvocationHandler() {
                            @Override
                            public Object invoke(Object proxy, Method method, Object[] args) {
                                return method.getName().equals("sending")
                                                && "java.net.http.HttpClient".equals(args[0])
                                        ? replacement
                                        : null;
                            }
                        }));

        assertSame(
                replacement,
                ImdsBridge.sending("java.net.http.HttpClient", new Object(), new Object()));
        assertNull(
                ImdsBridge.sending("java.net.http.HttpClient", null, new Object()),
                "no request: nothing to hand on");
    }

    @Test
    void withoutAListenerEveryVerbChangesNothing() {
        assertFalse(ImdsBridge.isImds("http", "127.0.0.1", 80));
        assertNull(ImdsBridge.sending("socket", new Object(), new Object()));
        assertNull(
                ImdsBridge.beforeRequest(
                        "okhttp", "GET", "http://127.0.0.1/", false, false, null, "key"));
    }

    private static ImdsRequestListener listener(InvocationHandler handler) {
        return (ImdsRequestListener)
                Proxy.newProxyInstance(
                        ImdsBridgeTest.class.getClassLoader(),
                        new Class<?>[] {ImdsRequestListener.class},
                        handler);
    }
}
