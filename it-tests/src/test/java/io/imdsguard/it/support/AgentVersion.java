package io.imdsguard.it.support;

/**
 * The version the build gave the agent jar, which the agent must report as its own (never its
 * fallback "dev").
 */
public final class AgentVersion {

    private AgentVersion() {}

    public static String built() {
        String version = System.getProperty("imds.guard.it.agent.version");
        if (version == null || version.isEmpty()) {
            throw new IllegalStateException(
                    "system property imds.guard.it.agent.version is not set; run the tests "
                            + "with mvn verify");
        }
        return version;
    }
}
