package io.imdsguard.agent.instrument.jdkhttpclient;

import io.imdsguard.agent.detect.ImdsEndpoints;
import io.imdsguard.agent.detect.ImdsRequest;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.URI;
import java.util.Optional;

/**
 * Reads a {@code java.net.http.HttpRequest} through method handles: the agent is Java 8 bytecode
 * and cannot name the Java 11 type, and the handles are resolved once, on first use.
 */
public final class JdkHttpRequests {

    public static final String CLIENT = "java.net.http.HttpClient";

    private volatile Handles handles;

    /** The request, or null when it does not go to IMDS. */
    public ImdsRequest describe(Object request, ImdsEndpoints endpoints) throws Throwable {
        Handles h = handles();
        URI uri = (URI) h.uri.invoke(request);
        int port = uri.getPort() >= 0 ? uri.getPort() : ("https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80);
        if (!endpoints.isImds(uri.getHost(), port)) {
            return null;
        }
        Object headers = h.headers.invoke(request);
        String path = uri.getRawPath();
        if (uri.getRawQuery() != null) {
            path = path + "?" + uri.getRawQuery();
        }
        return new ImdsRequest(CLIENT, (String) h.method.invoke(request), path,
                ((Optional<?>) h.firstValue.invoke(headers, ImdsRequest.TOKEN_HEADER)).isPresent(),
                ((Optional<?>) h.firstValue.invoke(headers, ImdsRequest.FORWARDED_FOR_HEADER)).isPresent());
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

        Handles() throws ReflectiveOperationException {
            // The platform loader sees java.net.http; the agent's own loader may be a child of it.
            Class<?> requestType = Class.forName("java.net.http.HttpRequest", false,
                    ClassLoader.getSystemClassLoader());
            Class<?> headersType = Class.forName("java.net.http.HttpHeaders", false,
                    ClassLoader.getSystemClassLoader());
            MethodHandles.Lookup lookup = MethodHandles.publicLookup();
            uri = lookup.findVirtual(requestType, "uri", MethodType.methodType(URI.class))
                    .asType(MethodType.methodType(URI.class, Object.class));
            method = lookup.findVirtual(requestType, "method", MethodType.methodType(String.class))
                    .asType(MethodType.methodType(String.class, Object.class));
            headers = lookup.findVirtual(requestType, "headers", MethodType.methodType(headersType))
                    .asType(MethodType.methodType(Object.class, Object.class));
            firstValue = lookup.findVirtual(headersType, "firstValue",
                    MethodType.methodType(Optional.class, String.class))
                    .asType(MethodType.methodType(Optional.class, Object.class, String.class));
        }
    }
}
