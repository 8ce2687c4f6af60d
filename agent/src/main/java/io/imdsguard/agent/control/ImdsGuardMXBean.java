package io.imdsguard.agent.control;

/**
 * imds-guard in JMX, as {@code io.imdsguard:type=ImdsGuard} on the platform MBean server. Reading
 * is always allowed; changing Mode or RewriteCallers only when the agent runs with {@code
 * jmx.control=true}.
 */
public interface ImdsGuardMXBean {

    /** {@code report}, {@code rewrite} or {@code enforce}. */
    String getMode();

    /** Refused unless jmx.control=true. */
    void setMode(String mode);

    /** The rewrite scope, prefixes separated by {@code ;}. */
    String getRewriteCallers();

    /**
     * Prefixes separated by {@code ;} or {@code ,}, or {@code *}. Refused unless jmx.control=true.
     */
    void setRewriteCallers(String callers);

    /** Whether this MBean accepts changes (the key {@code jmx.control}). */
    boolean isJmxControl();

    long getV1Requests();

    long getV2Requests();

    long getTokenRequests();

    long getV1CallSites();

    long getRewritten();

    long getRewriteDenied();

    long getRewriteFailed();

    long getBlocked();

    String getServiceName();

    /** Where the JSON report goes, or an empty text when the key {@code report} is not set. */
    String getReportPath();

    /** Writes the JSON report now; returns its path, or says why there is none. */
    String writeReport();
}
