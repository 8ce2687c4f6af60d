package io.imdsguard.agent.instrument.nio;

import java.lang.ref.WeakReference;
import java.nio.channels.Channel;
import java.util.ArrayList;
import java.util.List;

/**
 * The NIO channels connected to IMDS, held weakly and found by identity without a lock. Every write
 * of every socket channel in the JVM asks here: while no channel to IMDS is reachable that costs
 * one volatile read, and while some are, one identity comparison each (IMDS channels are few and
 * short-lived). The array is copied, under a lock, only when a channel connects to IMDS; that is
 * when channels collected or closed since are let go. A channel is never held strongly: the entry
 * is a weak reference.
 */
final class ImdsChannels {

    private static final Entry[] NONE = new Entry[0];

    private volatile Entry[] entries = NONE;

    /** What the backstop follows of {@code channel}, or null when it is not connected to IMDS. */
    ChannelHead find(Object channel) {
        Entry[] known = entries;
        for (int i = 0; i < known.length; i++) {
            if (known[i].get() == channel) {
                return known[i].head;
            }
        }
        return null;
    }

    synchronized void add(Object channel, ChannelHead head) {
        Entry[] known = entries;
        List<Entry> kept = new ArrayList<Entry>(known.length + 1);
        for (Entry entry : known) {
            Object other = entry.get();
            if (other != null && other != channel && stillOpen(other)) {
                kept.add(entry);
            }
        }
        kept.add(new Entry(channel, head));
        entries = kept.toArray(new Entry[0]);
    }

    /** Channels to IMDS still reachable; for tests. */
    int size() {
        int live = 0;
        for (Entry entry : entries) {
            if (entry.get() != null) {
                live++;
            }
        }
        return live;
    }

    private static boolean stillOpen(Object channel) {
        return !(channel instanceof Channel) || ((Channel) channel).isOpen();
    }

    private static final class Entry extends WeakReference<Object> {
        final ChannelHead head;

        Entry(Object channel, ChannelHead head) {
            super(channel);
            this.head = head;
        }
    }
}
