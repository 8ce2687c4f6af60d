package io.imdsguard.it.apps;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.Executor;

/**
 * {@code java.net.http} (Java 11+) for a test app compiled for Java 8 that also runs on Java 8,
 * where it is absent: the client, requests and answers through reflection. The call itself is left
 * to the app ({@code JDK.send.invoke(JDK.client, request, JDK.ofString)} in the app's own method),
 * so that method stays the call site the agent reports: reflection frames are JDK frames, skipped.
 */
public final class JavaNetHttp {

    public final Object client;

    /** {@code HttpClient.send(HttpRequest, BodyHandler)}. */
    public final Method send;

    /** {@code HttpClient.sendAsync(HttpRequest, BodyHandler)}. */
    public final Method sendAsync;

    /** {@code HttpResponse.BodyHandlers.ofString()}. */
    public final Object ofString;

    private final Class<?> builderType;
    private final Method newBuilder;
    private final Object noBody;
    private final Method header;
    private final Method timeout;
    private final Method build;

    private JavaNetHttp(Duration connectTimeout, Executor executor)
            throws ReflectiveOperationException {
        Class<?> clientType = Class.forName("java.net.http.HttpClient");
        Class<?> requestType = Class.forName("java.net.http.HttpRequest");
        Class<?> handlerType = Class.forName("java.net.http.HttpResponse$BodyHandler");
        Class<?> clientBuilderType = Class.forName("java.net.http.HttpClient$Builder");
        Object clientBuilder = clientType.getMethod("newBuilder").invoke(null);
        clientBuilderType
                .getMethod("connectTimeout", Duration.class)
                .invoke(clientBuilder, connectTimeout);
        if (executor != null) {
            clientBuilderType.getMethod("executor", Executor.class).invoke(clientBuilder, executor);
        }
        this.client = clientBuilderType.getMethod("build").invoke(clientBuilder);
        this.send = clientType.getMethod("send", requestType, handlerType);
        this.sendAsync = clientType.getMethod("sendAsync", requestType, handlerType);
        this.ofString =
                Class.forName("java.net.http.HttpResponse$BodyHandlers")
                        .getMethod("ofString")
                        .invoke(null);
        this.builderType = Class.forName("java.net.http.HttpRequest$Builder");
        this.newBuilder = requestType.getMethod("newBuilder", URI.class);
        this.noBody =
                Class.forName("java.net.http.HttpRequest$BodyPublishers")
                        .getMethod("noBody")
                        .invoke(null);
        // Looked up once: the fault suite's load makes tens of thousands of requests.
        this.header = builderType.getMethod("header", String.class, String.class);
        this.timeout = builderType.getMethod("timeout", Duration.class);
        this.build = builderType.getMethod("build");
    }

    /** Whether this JVM has java.net.http (Java 11+), without making a client. */
    public static boolean present() {
        try {
            Class.forName("java.net.http.HttpClient");
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    /** The client, or null on Java 8. */
    public static JavaNetHttp ifAvailable(Duration connectTimeout) {
        return ifAvailable(connectTimeout, null);
    }

    /** The client with its own executor (null: the JDK's default), or null on Java 8. */
    public static JavaNetHttp ifAvailable(Duration connectTimeout, Executor executor) {
        try {
            return new JavaNetHttp(connectTimeout, executor);
        } catch (ClassNotFoundException e) {
            return null;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("java.net.http is there but not as expected: " + e, e);
        }
    }

    /** A GET request with headers given as name, value, name, value, ... */
    public Object get(String url, String... headers) throws ReflectiveOperationException {
        return build(builder(url, headers));
    }

    /** A GET request that times out after {@code timeout} ({@code HttpRequest.Builder.timeout}). */
    public Object get(String url, Duration timeout) throws ReflectiveOperationException {
        Object builder = builder(url);
        this.timeout.invoke(builder, timeout);
        return build(builder);
    }

    /** A PUT request without a body. */
    public Object put(String url, String... headers) throws ReflectiveOperationException {
        Object builder = builder(url, headers);
        builderType
                .getMethod("PUT", Class.forName("java.net.http.HttpRequest$BodyPublisher"))
                .invoke(builder, noBody);
        return build(builder);
    }

    public static int status(Object response) throws ReflectiveOperationException {
        // The interface's method: the implementation class is not exported.
        return (Integer)
                Class.forName("java.net.http.HttpResponse")
                        .getMethod("statusCode")
                        .invoke(response);
    }

    public static String body(Object response) throws ReflectiveOperationException {
        Method body = Class.forName("java.net.http.HttpResponse").getMethod("body");
        return (String) body.invoke(response);
    }

    /** What a reflective call threw, unwrapped, as the direct call would have thrown it. */
    public static Exception unwrap(InvocationTargetException e) {
        Throwable cause = e.getCause();
        return cause instanceof Exception ? (Exception) cause : e;
    }

    private Object builder(String url, String... headers) throws ReflectiveOperationException {
        Object builder = newBuilder.invoke(null, URI.create(url));
        for (int i = 0; i + 1 < headers.length; i += 2) {
            header.invoke(builder, headers[i], headers[i + 1]);
        }
        return builder;
    }

    private Object build(Object builder) throws ReflectiveOperationException {
        return build.invoke(builder);
    }
}
