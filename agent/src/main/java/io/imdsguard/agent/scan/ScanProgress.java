package io.imdsguard.agent.scan;

import java.io.PrintStream;

/**
 * A progress line on standard error for a scan that takes a while, redrawn in place at most once a
 * second, and only when standard error is a terminal: a CI log must not fill with them. The scan's
 * workers all report here; one of them draws the line.
 */
final class ScanProgress {

    private static final long FIRST_AFTER_NANOS = 2000000000L;
    private static final long EVERY_NANOS = 1000000000L;

    private final PrintStream err;
    private final boolean terminal;
    private final long started = System.nanoTime();
    private volatile long lastShown;
    private boolean shown;

    ScanProgress(PrintStream err, boolean terminal) {
        this.err = err;
        this.terminal = terminal;
    }

    void update(long archives, long classes, long bytes, String where) {
        if (!terminal) {
            return;
        }
        long now = System.nanoTime();
        if (now - started < FIRST_AFTER_NANOS || now - lastShown < EVERY_NANOS) {
            return;
        }
        show(
                now,
                "scanning: "
                        + archives
                        + " archive(s), "
                        + classes
                        + " class(es), "
                        + (bytes >> 20)
                        + " MB; "
                        + where);
    }

    private synchronized void show(long now, String line) {
        if (now - lastShown < EVERY_NANOS) {
            return;
        }
        lastShown = now;
        shown = true;
        err.print("\r" + io.imdsguard.agent.log.Sanitizer.forLog(line, 150) + "\u001b[K");
        err.flush();
    }

    /** Ends the progress line, so the next output starts on a line of its own. */
    synchronized void done() {
        if (shown) {
            err.print("\r\u001b[K");
            err.flush();
        }
    }
}
