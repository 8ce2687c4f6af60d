package io.imdsguard.agent.instrument;

import io.imdsguard.agent.detect.CallOrigin;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Call origins handed from object to object of an asynchronous client (its request config, then its
 * handler, then the operation that writes the request), until the request is judged on the thread
 * that sends it. Only IMDS requests are entered, so the map stays tiny; weak keys let the client's
 * objects go when the client is done with them.
 */
final class CarriedCallOrigins {

    private final Map<Object, CallOrigin> origins = new WeakHashMap<Object, CallOrigin>();

    /** Until the first IMDS request, every other request passes without taking the lock. */
    private volatile boolean used;

    synchronized void remember(Object key, CallOrigin origin) {
        origins.put(key, origin);
        used = true;
    }

    void pass(Object from, Object to) {
        if (!used) {
            return;
        }
        synchronized (this) {
            CallOrigin origin = origins.get(from);
            if (origin != null) {
                origins.put(to, origin);
            }
        }
    }

    CallOrigin get(Object key) {
        if (!used || key == null) {
            return null;
        }
        synchronized (this) {
            return origins.get(key);
        }
    }
}
