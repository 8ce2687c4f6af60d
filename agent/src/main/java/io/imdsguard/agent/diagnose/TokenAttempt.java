package io.imdsguard.agent.diagnose;

/**
 * One token PUT the application made, remembered for its thread until the next one: the reads that
 * follow it are attributed to its site, and a v1 call from the same code right after it failed is
 * the hop-limit signature.
 */
public final class TokenAttempt {

    /** An outcome that becomes known later, e.g. the future of an asynchronous client. */
    public interface PendingOutcome {
        /**
         * How the request failed, as {@link TokenFailure} names it; null if it succeeded or is
         * still running.
         */
        String failure();
    }

    final TokenSite site;
    final String siteClass;
    final long at;
    private volatile String failure;
    private volatile PendingOutcome pending;
    private volatile boolean explained;

    TokenAttempt(TokenSite site, String siteClass, long at) {
        this.site = site;
        this.siteClass = siteClass;
        this.at = at;
    }

    /**
     * The client saw this PUT fail; only the first report counts (nested calls report it again).
     */
    public void failed(String how) {
        if (failure == null) {
            failure = how;
        }
    }

    public void outcomeLater(PendingOutcome outcome) {
        pending = outcome;
    }

    /**
     * The pending outcome is known now: {@code how} it failed, or null if it succeeded. The pending
     * outcome is dropped, so that nothing of the answer (which holds the token) stays referenced.
     */
    public void settle(String how) {
        if (how != null) {
            failed(how);
        }
        pending = null;
    }

    String failure() {
        String known = failure;
        PendingOutcome later = pending;
        if (known == null && later != null) {
            known = later.failure();
            if (known != null) {
                failure = known;
            }
        }
        return known;
    }

    /** True the first time: one failed PUT explains one v1 fallback, not every later v1 call. */
    boolean explainOnce() {
        if (explained) {
            return false;
        }
        explained = true;
        return true;
    }
}
