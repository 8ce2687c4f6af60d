package io.imdsguard.agent.instrument;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * The IMDS requests that a client's own instrumentation judged and that will be written through a
 * {@code java.net.Socket}, waiting for the connection backstop to see them leave. The backstop
 * takes the matching entry when the head leaves on an IMDS connection: the request is then counted
 * once, by the hook that knows its call site, and the wire only verifies that what the hook decided
 * is what leaves. A head with no entry reached IMDS without a hook seeing it as an IMDS request.
 *
 * <p>Entries are few (IMDS requests only), expire after {@link #TTL_NANOS}, and are bounded, so a
 * request that was judged but never sent (an OkHttp call created and dropped) cannot pile up.
 */
public final class HookedRequests {

    /** What the hook decided for one request. */
    public static final class Expected {
        final long at;
        final boolean enforced;

        Expected(long at, boolean enforced) {
            this.at = at;
            this.enforced = enforced;
        }

        /**
         * True when the hook's decision was the enforce refusal: the wire must carry the invalid
         * token.
         */
        public boolean enforced() {
            return enforced;
        }
    }

    /** What a hook did about a request whose head the backstop cannot read. */
    public enum Verdict {
        /** No hook judged it: the backstop counts it. */
        NOT_JUDGED,
        /** Its hook counted it (or may have: see {@link #verdictOnUnparsed}). */
        JUDGED,
        /** Its hook counted it and decided the enforce refusal. */
        JUDGED_ENFORCED,
    }

    static final long TTL_NANOS = 30L * 1000 * 1000 * 1000;
    static final int MAX_ENTRIES = 1024;

    private final Map<String, Deque<Expected>> pending = new HashMap<String, Deque<Expected>>();
    private int size;

    /**
     * A hook judged {@code method path} to IMDS; {@code enforced} when it decided the enforce
     * refusal.
     */
    public synchronized void expect(String method, String path, boolean enforced) {
        long now = System.nanoTime();
        if (size >= MAX_ENTRIES) {
            dropExpired(now);
            if (size >= MAX_ENTRIES) {
                // Never unbounded: the oldest judgements are the least likely to be sent still.
                pending.clear();
                size = 0;
            }
        }
        String key = key(method, path);
        Deque<Expected> queue = pending.get(key);
        if (queue == null) {
            queue = new ArrayDeque<Expected>(2);
            pending.put(key, queue);
        }
        queue.addLast(new Expected(now, enforced));
        size++;
    }

    /**
     * The hook's judgement of a head now leaving on an IMDS connection, taken; null when no hook
     * judged it.
     */
    public synchronized Expected take(String method, String path) {
        if (size == 0) {
            return null;
        }
        String key = key(method, path);
        Deque<Expected> queue = pending.get(key);
        long now = System.nanoTime();
        while (queue != null && !queue.isEmpty()) {
            Expected first = queue.pollFirst();
            size--;
            if (queue.isEmpty()) {
                pending.remove(key);
            }
            if (now - first.at <= TTL_NANOS) {
                return first;
            }
        }
        return null;
    }

    /**
     * Whether a hook already counted a request whose head cannot be read. When its request line was
     * read whole, its method and path name it exactly, and the hook's entry for that very request
     * decides. When not (a request line over the size limit, or no HTTP/1 line at all), an
     * instrumented client's request cannot be matched to its hook's entry: it is then taken as
     * judged, since the hooks of those clients see every request they make to an IMDS URL, and
     * counting it here could count it twice. (What this leaves uncounted: a hooked client's request
     * with such a head that reached IMDS by a redirect or an alias name.)
     *
     * @param insideInstrumentedClient whether the head is written from inside a client with a hook
     */
    public Verdict verdictOnUnparsed(
            String method, String path, boolean requestLineRead, boolean insideInstrumentedClient) {
        if (requestLineRead && method != null && path != null) {
            Expected expected = take(method, path);
            if (expected != null) {
                return expected.enforced() ? Verdict.JUDGED_ENFORCED : Verdict.JUDGED;
            }
            return Verdict.NOT_JUDGED;
        }
        return insideInstrumentedClient ? Verdict.JUDGED : Verdict.NOT_JUDGED;
    }

    public synchronized int size() {
        return size;
    }

    private void dropExpired(long now) {
        for (Iterator<Deque<Expected>> queues = pending.values().iterator(); queues.hasNext(); ) {
            Deque<Expected> queue = queues.next();
            while (!queue.isEmpty() && now - queue.peekFirst().at > TTL_NANOS) {
                queue.pollFirst();
                size--;
            }
            if (queue.isEmpty()) {
                queues.remove();
            }
        }
    }

    private static String key(String method, String path) {
        return method + ' ' + path;
    }
}
