package io.imdsguard.agent.report;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** One place in the application's code that calls IMDS v1, with how often and when it did. */
public final class CallSite {

    private final String id;
    private final String client;
    private final String method;
    private final String pathCategory;
    private final String examplePath;
    private final String site;
    private final String thread;
    private final List<String> frames;
    private final long firstSeen;
    private final AtomicLong count = new AtomicLong();
    private volatile long lastSeen;

    CallSite(String id, String client, String method, String pathCategory, String examplePath, String site,
             String thread, List<String> frames, long firstSeen) {
        this.id = id;
        this.client = client;
        this.method = method;
        this.pathCategory = pathCategory;
        this.examplePath = examplePath;
        this.site = site;
        this.thread = thread;
        this.frames = frames;
        this.firstSeen = firstSeen;
        this.lastSeen = firstSeen;
    }

    void seen(long now) {
        count.incrementAndGet();
        if (now > lastSeen) {
            lastSeen = now;
        }
    }

    /** A short stable identifier, the same in every JVM for the same code, for joining reports. */
    public String id() {
        return id;
    }

    public String client() {
        return client;
    }

    public String method() {
        return method;
    }

    public String pathCategory() {
        return pathCategory;
    }

    /** The path of the first call, sanitised and capped; later calls may have used other paths. */
    public String examplePath() {
        return examplePath;
    }

    /** The first application frame. */
    public String site() {
        return site;
    }

    /** The thread of the first call. */
    public String thread() {
        return thread;
    }

    public List<String> frames() {
        return frames;
    }

    public long count() {
        return count.get();
    }

    public long firstSeen() {
        return firstSeen;
    }

    public long lastSeen() {
        return lastSeen;
    }
}
