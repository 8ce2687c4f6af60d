package io.imdsguard.agent.instrument;

import io.imdsguard.agent.RequestObserver;
import io.imdsguard.agent.detect.ImdsEndpoints;
import io.imdsguard.agent.detect.ImdsRequest;
import io.imdsguard.agent.instrument.httpurlconnection.HttpUrlConnectionRequests;
import io.imdsguard.agent.instrument.jdkhttpclient.JdkHttpRequests;
import io.imdsguard.agent.report.AgentLog;
import io.imdsguard.bootstrap.ImdsRequestListener;

import java.net.HttpURLConnection;

/**
 * Receives the JDK clients' requests from the bootstrap bridge, keeps the IMDS ones, and passes
 * them on. Any failure in here is logged once and the request proceeds unchanged.
 */
public final class JdkClientsListener implements ImdsRequestListener {

    private final ImdsEndpoints endpoints;
    private final RequestObserver observer;
    private final AgentLog log;
    private final JdkHttpRequests httpRequests = new JdkHttpRequests();

    public JdkClientsListener(ImdsEndpoints endpoints, RequestObserver observer, AgentLog log) {
        this.endpoints = endpoints;
        this.observer = observer;
        this.log = log;
    }

    @Override
    public void beforeConnect(HttpURLConnection connection) {
        try {
            ImdsRequest request = HttpUrlConnectionRequests.describe(connection, endpoints);
            if (request != null) {
                observer.observe(request);
            }
        } catch (Throwable t) {
            log.internalError(HttpUrlConnectionRequests.CLIENT, t);
        }
    }

    @Override
    public Object beforeSend(Object httpRequest) {
        try {
            ImdsRequest request = httpRequests.describe(httpRequest, endpoints);
            if (request != null) {
                observer.observe(request);
            }
        } catch (Throwable t) {
            log.internalError(JdkHttpRequests.CLIENT, t);
        }
        return httpRequest;
    }
}
