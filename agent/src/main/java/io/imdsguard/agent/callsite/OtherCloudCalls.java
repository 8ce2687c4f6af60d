package io.imdsguard.agent.callsite;

import io.imdsguard.agent.detect.CallerFrames;
import io.imdsguard.agent.detect.ImdsRequest;
import io.imdsguard.agent.detect.OtherCloud;
import io.imdsguard.agent.log.Sanitizer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Other clouds' metadata requests seen on the IMDS address, one entry per cloud, client, method and
 * call site, so that the report names which library probed which cloud from where. Kept apart from
 * the v1 call sites: they are not AWS calls and never make a service "not ready".
 */
public final class OtherCloudCalls {

    /** Probes come from a few libraries; the cap only guards against the pathological. */
    static final int MAX_ENTRIES = 100;

    private final ConcurrentMap<String, Entry> entries = new ConcurrentHashMap<String, Entry>();
    private final AtomicLong total = new AtomicLong();

    /** One cloud, client, method and call site, with its count. */
    public static final class Entry {
        private final OtherCloud cloud;
        private final String client;
        private final String method;
        private final String examplePath;
        private final String site;
        private final AtomicLong count = new AtomicLong();

        Entry(OtherCloud cloud, String client, String method, String examplePath, String site) {
            this.cloud = cloud;
            this.client = client;
            this.method = method;
            this.examplePath = examplePath;
            this.site = site;
        }

        public OtherCloud cloud() {
            return cloud;
        }

        public String client() {
            return client;
        }

        public String method() {
            return method;
        }

        public String examplePath() {
            return examplePath;
        }

        public String site() {
            return site;
        }

        public long count() {
            return count.get();
        }
    }

    /**
     * @return true the first time this cloud, client, method and site are seen: worth a log line
     */
    public boolean record(OtherCloud cloud, ImdsRequest request, CallerFrames caller) {
        total.incrementAndGet();
        String method = Sanitizer.forLog(request.method(), 16);
        String key = cloud.tag() + '|' + request.client() + '|' + method + '|' + caller.site();
        Entry existing = entries.get(key);
        if (existing == null) {
            if (entries.size() >= MAX_ENTRIES) {
                return false;
            }
            Entry created =
                    new Entry(
                            cloud,
                            request.client(),
                            method,
                            Sanitizer.path(request.path()),
                            caller.site());
            existing = entries.putIfAbsent(key, created);
            if (existing == null) {
                created.count.incrementAndGet();
                return true;
            }
        }
        existing.count.incrementAndGet();
        return false;
    }

    /** All other-cloud requests, including any beyond the cap. */
    public long total() {
        return total.get();
    }

    /** The entries, most frequent first. */
    public List<Entry> snapshot() {
        List<Entry> list = new ArrayList<Entry>(entries.values());
        Collections.sort(
                list,
                new Comparator<Entry>() {
                    @Override
                    public int compare(Entry a, Entry b) {
                        int byCount = Long.compare(b.count(), a.count());
                        return byCount != 0 ? byCount : a.site().compareTo(b.site());
                    }
                });
        return list;
    }
}
