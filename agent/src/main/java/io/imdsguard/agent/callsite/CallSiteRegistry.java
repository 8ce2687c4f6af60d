package io.imdsguard.agent.callsite;

import io.imdsguard.agent.detect.CallerFrames;
import io.imdsguard.agent.detect.ImdsRequest;
import io.imdsguard.agent.detect.PathCategory;
import io.imdsguard.agent.log.Sanitizer;
import io.imdsguard.agent.scan.SiteArchive;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The distinct v1 call sites seen in this JVM. A call site is identified by the client, the HTTP
 * method and the call-site frame (with the application frame below an AWS SDK's IMDS class): the
 * same line of code calling again is one site with a higher count, however many different paths it
 * reads.
 */
public final class CallSiteRegistry {

    /**
     * Call sites are code locations, so they are few; the cap only guards against the pathological.
     */
    public static final int MAX_SITES = 1000;

    private final ConcurrentMap<SiteKey, CallSite> sites =
            new ConcurrentHashMap<SiteKey, CallSite>();
    private final AtomicLong overflow = new AtomicLong();
    private final AtomicLong changes = new AtomicLong();
    private final OtherCloudCalls otherClouds = new OtherCloudCalls();

    /** The outcome of recording one call. */
    public static final class Sighting {
        private final CallSite site;
        private final boolean first;

        Sighting(CallSite site, boolean first) {
            this.site = site;
            this.first = first;
        }

        /**
         * The site, or null when the registry is full and the call was only counted as overflow.
         */
        public CallSite site() {
            return site;
        }

        public boolean first() {
            return first;
        }
    }

    public Sighting record(ImdsRequest request, CallerFrames caller, String thread, long now) {
        changes.incrementAndGet();
        // Looked up on every v1 call: a key of the three strings, whose hashes the strings keep.
        SiteKey key =
                new SiteKey(
                        request.client(),
                        request.method(),
                        caller.site(),
                        caller.applicationFrame());
        CallSite existing = sites.get(key);
        if (existing != null) {
            existing.seen(now);
            return new Sighting(existing, false);
        }
        if (sites.size() >= MAX_SITES) {
            overflow.incrementAndGet();
            return new Sighting(null, false);
        }
        // a new site only: its class's jar is read once here, never on later calls
        SiteArchive archive = SiteArchive.of(caller.siteCodeSource());
        // a raw socket's method is whatever the request line says: capped like every request text
        CallSite created =
                new CallSite(
                        id(
                                key(
                                        request.client(),
                                        request.method(),
                                        caller.site(),
                                        caller.applicationFrame())),
                        request.client(),
                        Sanitizer.forLog(request.method(), 16),
                        PathCategory.of(request.path()).tag(),
                        Sanitizer.path(request.path()),
                        caller.site(),
                        caller.siteClass(),
                        caller.applicationFrame(),
                        caller.libraryJar(),
                        archive,
                        Sanitizer.forLog(thread, 128),
                        caller.frames(),
                        now);
        CallSite raced = sites.putIfAbsent(key, created);
        CallSite winner = raced != null ? raced : created;
        winner.seen(now);
        return new Sighting(winner, raced == null);
    }

    /** Other clouds' metadata requests: reported beside the v1 sites, never among them. */
    public OtherCloudCalls otherClouds() {
        return otherClouds;
    }

    /**
     * @return true the first time this cloud, client, method and site are seen
     */
    public boolean recordOtherCloud(
            io.imdsguard.agent.detect.OtherCloud cloud, ImdsRequest request, CallerFrames caller) {
        changes.incrementAndGet();
        return otherClouds.record(cloud, request, caller);
    }

    static String key(String client, String method, String site) {
        return key(client, method, site, null);
    }

    /**
     * Without an application frame the same as before it existed: ids in older reports still match.
     */
    static String key(String client, String method, String site, String applicationFrame) {
        return client
                + '|'
                + method
                + '|'
                + site
                + (applicationFrame == null ? "" : '|' + applicationFrame);
    }

    /** An eight-hex-digit hash of the identity: stable across JVMs, short enough to quote. */
    static String id(String key) {
        int hash = 0x811c9dc5;
        for (int i = 0; i < key.length(); i++) {
            hash ^= key.charAt(i);
            hash *= 0x01000193;
        }
        return String.format("%08x", hash);
    }

    /** The sites, most frequent first. */
    public List<CallSite> snapshot() {
        List<CallSite> list = new ArrayList<CallSite>(sites.values());
        Collections.sort(
                list,
                new Comparator<CallSite>() {
                    @Override
                    public int compare(CallSite a, CallSite b) {
                        int byCount = Long.compare(b.count(), a.count());
                        return byCount != 0 ? byCount : a.site().compareTo(b.site());
                    }
                });
        return list;
    }

    /** How many distinct v1 call sites have been seen (at most the cap). */
    public int size() {
        return sites.size();
    }

    /** v1 calls that were counted but not attributed because the registry was full. */
    public long overflow() {
        return overflow.get();
    }

    /**
     * Something the report shows changed besides the calls (the mode): the next periodic write must
     * happen.
     */
    public void touch() {
        changes.incrementAndGet();
    }

    /**
     * Grows with every recorded call: lets the report writer skip rewriting an unchanged report.
     */
    public long changes() {
        return changes.get();
    }

    /**
     * A site's identity: client, method, call-site frame and the application frame below an SDK's.
     */
    private static final class SiteKey {
        private final String client;
        private final String method;
        private final String site;
        private final String applicationFrame;

        SiteKey(String client, String method, String site, String applicationFrame) {
            this.client = client;
            this.method = method;
            this.site = site;
            this.applicationFrame = applicationFrame;
        }

        @Override
        public boolean equals(Object other) {
            if (!(other instanceof SiteKey)) {
                return false;
            }
            SiteKey that = (SiteKey) other;
            return site.equals(that.site)
                    && method.equals(that.method)
                    && client.equals(that.client)
                    && (applicationFrame == null
                            ? that.applicationFrame == null
                            : applicationFrame.equals(that.applicationFrame));
        }

        @Override
        public int hashCode() {
            return ((site.hashCode() * 31 + method.hashCode()) * 31 + client.hashCode()) * 31
                    + (applicationFrame == null ? 0 : applicationFrame.hashCode());
        }
    }
}
