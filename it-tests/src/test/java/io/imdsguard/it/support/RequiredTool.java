package io.imdsguard.it.support;

import org.junit.jupiter.api.Assumptions;

/**
 * A test that needs a tool of the machine (Prometheus, Chromium, a network namespace, ...) skips
 * without it on a developer's machine, but fails under CI ({@code CI=true}, as GitHub Actions,
 * GitLab CI and most others set it): there a missing tool means a broken install step, which must
 * not silently turn the test off.
 */
public final class RequiredTool {

    private RequiredTool() {}

    /** Whether this run is a CI run, where every tool must be present. */
    public static boolean underCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /**
     * Goes on when {@code present}; otherwise skips the test, or fails it under CI.
     *
     * @param missing what is missing and how to get it, e.g. "no prometheus binary (apt-get install
     *     prometheus)"
     */
    public static void require(boolean present, String missing) {
        if (present) {
            return;
        }
        if (underCi()) {
            throw new AssertionError(
                    "CI=true and "
                            + missing
                            + ": under CI every tool the tests need must be "
                            + "installed (.ci/run installs them)");
        }
        Assumptions.abort("skipped: " + missing + " (under CI=true this fails)");
    }
}
