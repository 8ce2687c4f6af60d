package io.imdsguard.agent.callsite;

import io.imdsguard.agent.policy.Action;
import io.imdsguard.agent.scan.SiteArchive;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

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
    private final AtomicLongArray actions = new AtomicLongArray(Action.values().length);
    private final String siteClass;
    private final String applicationFrame;
    private final String library;
    private final SiteArchive archive;
    private volatile long lastSeen;
    private volatile String lastReason = "none";

    CallSite(
            String id,
            String client,
            String method,
            String pathCategory,
            String examplePath,
            String site,
            String siteClass,
            String applicationFrame,
            String library,
            String thread,
            List<String> frames,
            long firstSeen) {
        this(
                id,
                client,
                method,
                pathCategory,
                examplePath,
                site,
                siteClass,
                applicationFrame,
                library,
                null,
                thread,
                frames,
                firstSeen);
    }

    public CallSite(
            String id,
            String client,
            String method,
            String pathCategory,
            String examplePath,
            String site,
            String siteClass,
            String applicationFrame,
            String library,
            SiteArchive archive,
            String thread,
            List<String> frames,
            long firstSeen) {
        this.archive = archive;
        this.siteClass = siteClass;
        this.applicationFrame = applicationFrame;
        this.library = library;
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

    /** Counts what the agent did with one call from this site, and why. */
    public void acted(Action action, String reason) {
        actions.incrementAndGet(action.ordinal());
        lastReason = reason;
    }

    /** How often each action was taken for this site; only the actions that happened. */
    public Map<String, Long> actions() {
        Map<String, Long> taken = new LinkedHashMap<String, Long>();
        for (Action action : Action.values()) {
            long n = actions.get(action.ordinal());
            if (n > 0) {
                taken.put(action.tag(), n);
            }
        }
        return taken;
    }

    /**
     * The reason given with the latest action, e.g. {@code out_of_scope}; {@code none} when there
     * was none.
     */
    public String lastReason() {
        return lastReason;
    }

    /** The class of the call-site frame. */
    public String siteClass() {
        return siteClass;
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

    /**
     * The call-site frame: application code, or an AWS SDK's IMDS class (see {@link
     * #applicationFrame()}).
     */
    public String site() {
        return site;
    }

    /**
     * Where the application called into the AWS SDK whose IMDS class is the site; null when the
     * site is application code. Part of the site's identity: two application paths into one SDK
     * class are two sites.
     */
    public String applicationFrame() {
        return applicationFrame;
    }

    /**
     * The file name of the library jar that made the request for this site, or null when the site
     * made it.
     */
    public String library() {
        return library;
    }

    /**
     * The jar or directory the site's class was loaded from (for an SDK's IMDS class, the SDK's
     * jar: what the user upgrades); null when unknown.
     */
    public String archive() {
        return archive == null ? null : archive.archive();
    }

    /**
     * The Maven coordinates of {@link #archive()}, {@code group:artifact:version}; null for a
     * directory or unknown.
     */
    public String coordinates() {
        return archive == null ? null : archive.coordinates();
    }

    /**
     * Where {@link #coordinates()} were read: {@code pom.properties}, {@code manifest} or {@code
     * file name}.
     */
    public String coordinatesFrom() {
        return archive == null ? null : archive.coordinatesFrom();
    }

    /** What to change, when the library table knows the library at this version; else null. */
    public String remediation() {
        return archive == null ? null : archive.remediation();
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
