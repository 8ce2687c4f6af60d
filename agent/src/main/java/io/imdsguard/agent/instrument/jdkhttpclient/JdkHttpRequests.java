package io.imdsguard.agent.instrument.jdkhttpclient;

import io.imdsguard.agent.detect.ImdsEndpoints;
import io.imdsguard.agent.detect.ImdsRequest;
import io.imdsguard.bootstrap.RelayHeaders;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiPredicate;

/**
 * Reads, copies and re-sends {@code java.net.http} requests through method handles: the agent is
 * Java 8 bytecode and cannot name the Java 11 types. The handles are resolved once, on first use.
 */
public final class JdkHttpRequests {

    public static final String CLIENT = "java.net.http.HttpClient";

    private volatile Handles handles;

    /** The request, or null when it does not go to IMDS. */
    public ImdsRequest describe(Object request, ImdsEndpoints endpoints) throws Throwable {
        Handles h = handles();
        URI uri = (URI) h.uri.invoke(request);
        int port =
                uri.getPort() >= 0
                        ? uri.getPort()
                        : ("https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80);
        if (!endpoints.isImds(uri.getHost(), port)) {
            return null;
        }
        String path = uri.getRawPath();
        if (uri.getRawQuery() != null) {
            path = path + "?" + uri.getRawQuery();
        }
        return new ImdsRequest(
                CLIENT,
                (String) h.method.invoke(request),
                path,
                header(request, ImdsRequest.TOKEN_HEADER) != null,
                relayed(request),
                ImdsRequest.origin(uri.getScheme(), uri.getHost(), port));
    }

    /**
     * Whether any relay header is set; {@code HttpHeaders} compares names without regard to case.
     */
    private boolean relayed(Object request) throws Throwable {
        for (String name : RelayHeaders.NAMES) {
            if (header(request, name) != null) {
                return true;
            }
        }
        return false;
    }

    /** The first value of a request header, or null. */
    public String header(Object request, String name) throws Throwable {
        Handles h = handles();
        Optional<?> value = (Optional<?>) h.firstValue.invoke(h.headers.invoke(request), name);
        return value.isPresent() ? (String) value.get() : null;
    }

    /** A copy of {@code request} (body, timeout, version, other headers) with one header set. */
    public Object withHeader(Object request, final String name, String value) throws Throwable {
        Handles h = handles();
        Object builder;
        if (h.copyBuilder != null) {
            BiPredicate<String, String> allOthers =
                    new BiPredicate<String, String>() {
                        @Override
                        public boolean test(String header, String headerValue) {
                            return !header.equalsIgnoreCase(name);
                        }
                    };
            builder = h.copyBuilder.invoke(request, allOthers);
        } else {
            builder = copyByHand(h, request, name);
        }
        return h.build.invoke(h.setHeader.invoke(builder, name, value));
    }

    /** Java 11 to 15 have no {@code HttpRequest.newBuilder(HttpRequest, BiPredicate)}. */
    private static Object copyByHand(Handles h, Object request, String skippedHeader)
            throws Throwable {
        Object builder = h.newBuilder.invoke((URI) h.uri.invoke(request));
        Optional<?> body = (Optional<?>) h.bodyPublisher.invoke(request);
        builder =
                h.method2.invoke(
                        builder,
                        (String) h.method.invoke(request),
                        body.isPresent() ? body.get() : h.noBody.invoke());
        Optional<?> timeout = (Optional<?>) h.timeout.invoke(request);
        if (timeout.isPresent()) {
            builder = h.timeoutSetter.invoke(builder, (Duration) timeout.get());
        }
        Optional<?> version = (Optional<?>) h.version.invoke(request);
        if (version.isPresent()) {
            builder = h.versionSetter.invoke(builder, version.get());
        }
        builder =
                h.expectContinueSetter.invoke(builder, (boolean) h.expectContinue.invoke(request));
        Map<?, ?> headers = (Map<?, ?>) h.headerMap.invoke(h.headers.invoke(request));
        for (Map.Entry<?, ?> header : headers.entrySet()) {
            String headerName = (String) header.getKey();
            if (headerName.equalsIgnoreCase(skippedHeader)) {
                continue;
            }
            for (Object headerValue : (List<?>) header.getValue()) {
                builder = h.addHeader.invoke(builder, headerName, (String) headerValue);
            }
        }
        return builder;
    }

    /**
     * The {@code ProxySelector} the client was built with, or null when it has none and so follows
     * the JVM's default proxy settings.
     */
    public Object proxySelector(Object client) throws Throwable {
        if (client == null) {
            return null;
        }
        Optional<?> selector = (Optional<?>) handles().proxy.invoke(client);
        return selector.isPresent() ? selector.get() : null;
    }

    public int statusCode(Object response) throws Throwable {
        return (int) handles().statusCode.invoke(response);
    }

    /** {@code client.sendAsync(request, handler)}, the public two-argument form. */
    @SuppressWarnings("unchecked")
    public CompletableFuture<Object> sendAsync(Object client, Object request, Object handler)
            throws Throwable {
        return (CompletableFuture<Object>) handles().sendAsync.invoke(client, request, handler);
    }

    private Handles handles() throws ReflectiveOperationException {
        Handles h = handles;
        if (h == null) {
            h = new Handles();
            handles = h;
        }
        return h;
    }

    private static final class Handles {
        final MethodHandle uri;
        final MethodHandle method;
        final MethodHandle headers;
        final MethodHandle firstValue;
        final MethodHandle headerMap;
        final MethodHandle copyBuilder;
        final MethodHandle newBuilder;
        final MethodHandle bodyPublisher;
        final MethodHandle noBody;
        final MethodHandle method2;
        final MethodHandle timeout;
        final MethodHandle timeoutSetter;
        final MethodHandle version;
        final MethodHandle versionSetter;
        final MethodHandle expectContinue;
        final MethodHandle expectContinueSetter;
        final MethodHandle addHeader;
        final MethodHandle setHeader;
        final MethodHandle build;
        final MethodHandle statusCode;
        final MethodHandle sendAsync;
        final MethodHandle proxy;

        Handles() throws ReflectiveOperationException {
            // The platform loader sees java.net.http; the agent's own loader may be a child of it.
            ClassLoader loader = ClassLoader.getSystemClassLoader();
            Class<?> request = Class.forName("java.net.http.HttpRequest", false, loader);
            Class<?> builder = Class.forName("java.net.http.HttpRequest$Builder", false, loader);
            Class<?> publisher =
                    Class.forName("java.net.http.HttpRequest$BodyPublisher", false, loader);
            Class<?> publishers =
                    Class.forName("java.net.http.HttpRequest$BodyPublishers", false, loader);
            Class<?> headersType = Class.forName("java.net.http.HttpHeaders", false, loader);
            Class<?> response = Class.forName("java.net.http.HttpResponse", false, loader);
            Class<?> handler =
                    Class.forName("java.net.http.HttpResponse$BodyHandler", false, loader);
            Class<?> client = Class.forName("java.net.http.HttpClient", false, loader);
            Class<?> httpVersion = Class.forName("java.net.http.HttpClient$Version", false, loader);
            MethodHandles.Lookup lookup = MethodHandles.publicLookup();
            uri = virtual(lookup, request, "uri", URI.class);
            method = virtual(lookup, request, "method", String.class);
            headers = virtual(lookup, request, "headers", headersType);
            firstValue = virtual(lookup, headersType, "firstValue", Optional.class, String.class);
            headerMap = virtual(lookup, headersType, "map", Map.class);
            copyBuilder =
                    optionalStatic(
                            lookup, request, "newBuilder", builder, request, BiPredicate.class);
            newBuilder =
                    generic(
                            lookup.findStatic(
                                    request,
                                    "newBuilder",
                                    MethodType.methodType(builder, URI.class)));
            bodyPublisher = virtual(lookup, request, "bodyPublisher", Optional.class);
            noBody =
                    generic(
                            lookup.findStatic(
                                    publishers, "noBody", MethodType.methodType(publisher)));
            method2 = virtual(lookup, builder, "method", builder, String.class, publisher);
            timeout = virtual(lookup, request, "timeout", Optional.class);
            timeoutSetter = virtual(lookup, builder, "timeout", builder, Duration.class);
            version = virtual(lookup, request, "version", Optional.class);
            versionSetter = virtual(lookup, builder, "version", builder, httpVersion);
            expectContinue = virtual(lookup, request, "expectContinue", boolean.class);
            expectContinueSetter =
                    virtual(lookup, builder, "expectContinue", builder, boolean.class);
            addHeader = virtual(lookup, builder, "header", builder, String.class, String.class);
            setHeader = virtual(lookup, builder, "setHeader", builder, String.class, String.class);
            build = virtual(lookup, builder, "build", request);
            statusCode = virtual(lookup, response, "statusCode", int.class);
            sendAsync =
                    virtual(lookup, client, "sendAsync", CompletableFuture.class, request, handler);
            proxy = virtual(lookup, client, "proxy", Optional.class);
        }

        private static MethodHandle virtual(
                MethodHandles.Lookup lookup,
                Class<?> owner,
                String name,
                Class<?> returns,
                Class<?>... parameters)
                throws ReflectiveOperationException {
            return generic(
                    lookup.findVirtual(owner, name, MethodType.methodType(returns, parameters)));
        }

        private static MethodHandle optionalStatic(
                MethodHandles.Lookup lookup,
                Class<?> owner,
                String name,
                Class<?> returns,
                Class<?>... parameters) {
            try {
                return generic(
                        lookup.findStatic(owner, name, MethodType.methodType(returns, parameters)));
            } catch (ReflectiveOperationException e) {
                return null;
            }
        }

        /** Every reference type erased to Object, so that Java 8 code can call the handle. */
        private static MethodHandle generic(MethodHandle handle) {
            MethodType type = handle.type();
            for (int i = 0; i < type.parameterCount(); i++) {
                if (!type.parameterType(i).isPrimitive()) {
                    type = type.changeParameterType(i, Object.class);
                }
            }
            if (!type.returnType().isPrimitive()) {
                type = type.changeReturnType(Object.class);
            }
            return handle.asType(type);
        }
    }
}
