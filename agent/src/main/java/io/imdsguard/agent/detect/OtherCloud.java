package io.imdsguard.agent.detect;

/**
 * Another cloud's metadata protocol on the same link-local address: multi-cloud libraries (Azure
 * SDKs, for telemetry; Google and Oracle clients; OpenStack's agents) probe it. Such a request is
 * not an AWS call: {@code HttpTokens=required} changes nothing for its caller (AWS answers 404 to
 * it, or 401 once tokens are required), so it is reported on its own, never given the agent's
 * token, and never makes a service "not ready".
 *
 * <p>Told apart by the path alone, which every client reports: AWS serves nothing under these
 * prefixes (its paths start with a version, {@code latest}, {@code 1.0} or a date, or are the root
 * listing {@code /}). The clouds' own headers ({@code Metadata: true}, {@code Metadata-Flavor:
 * Google}) are not needed for the decision.
 */
public enum OtherCloud {
    AZURE("azure", "Azure", "/metadata"),
    GOOGLE("google", "Google Cloud", "/computeMetadata"),
    ORACLE("oracle", "Oracle Cloud", "/opc"),
    OPENSTACK("openstack", "OpenStack", "/openstack");

    private final String tag;
    private final String displayName;
    private final String prefix;

    OtherCloud(String tag, String displayName, String prefix) {
        this.tag = tag;
        this.displayName = displayName;
        this.prefix = prefix;
    }

    /** The value of the {@code path} tag and of the report's {@code cloud} field. */
    public String tag() {
        return tag;
    }

    public String displayName() {
        return displayName;
    }

    /**
     * The cloud whose metadata path this is, or null for an AWS path (or anything else). A path
     * with a dot segment or an encoded character before its query is never another cloud's: IMDS
     * might resolve {@code /metadata/../latest/meta-data/} to an AWS path, and such a request must
     * stay an AWS call.
     */
    public static OtherCloud of(String path) {
        if (path == null || path.length() < 2 || path.charAt(0) != '/') {
            return null;
        }
        int end = path.indexOf('?');
        String plain = end >= 0 ? path.substring(0, end) : path;
        if (plain.indexOf('%') >= 0 || plain.indexOf('\\') >= 0 || hasDotSegment(plain)) {
            return null;
        }
        for (OtherCloud cloud : values()) {
            if (plain.equals(cloud.prefix) || plain.startsWith(cloud.prefix + "/")) {
                return cloud;
            }
        }
        return null;
    }

    private static boolean hasDotSegment(String path) {
        for (String segment : path.split("/", -1)) {
            if (segment.equals(".") || segment.equals("..")) {
                return true;
            }
        }
        return false;
    }
}
