package io.imdsguard.agent.control;

/**
 * What the {@code attach} and {@code list} commands can read from outside through the attach API's
 * view of the system properties: that imds-guard runs in this JVM, in which mode, and where it logs
 * and reports. The names lie outside {@code imds.guard.}, which the configuration reads.
 */
public final class AgentStatus {

    public static final String PREFIX = "io.imdsguard.agent.";
    public static final String VERSION = PREFIX + "version";
    public static final String MODE = PREFIX + "mode";
    public static final String LOG = PREFIX + "log";
    public static final String REPORT = PREFIX + "report";

    /** The value of {@link #LOG} when the agent logs to standard error. */
    public static final String STANDARD_ERROR = "standard error";

    private final String version;
    private final String logPath;
    private final String reportPath;

    public AgentStatus(String version, String logPath, String reportPath) {
        this.version = version;
        this.logPath = logPath;
        this.reportPath = reportPath;
    }

    public void publish(String mode) {
        try {
            System.setProperty(VERSION, version);
            System.setProperty(MODE, mode);
            System.setProperty(LOG, logPath != null ? logPath : STANDARD_ERROR);
            if (reportPath != null) {
                System.setProperty(REPORT, reportPath);
            }
        } catch (SecurityException ignored) {
            // A security manager that forbids it only costs the attach command its feedback.
        }
    }
}
