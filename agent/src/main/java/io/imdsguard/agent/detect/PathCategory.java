package io.imdsguard.agent.detect;

/**
 * A bounded label for an IMDS path, safe as a metrics tag: the raw path is unbounded and may be
 * attacker-controlled, so it never becomes a tag.
 */
public enum PathCategory {
    TOKEN("token"),
    CREDENTIALS("credentials"),
    META_DATA("meta-data"),
    IDENTITY("identity"),
    USER_DATA("user-data"),
    /** Another cloud's metadata path; the tag names the cloud. */
    AZURE(OtherCloud.AZURE.tag()),
    GOOGLE(OtherCloud.GOOGLE.tag()),
    ORACLE(OtherCloud.ORACLE.tag()),
    OPENSTACK(OtherCloud.OPENSTACK.tag()),
    OTHER("other");

    private final String tag;

    PathCategory(String tag) {
        this.tag = tag;
    }

    public String tag() {
        return tag;
    }

    public static PathCategory of(String path) {
        OtherCloud cloud = OtherCloud.of(path);
        if (cloud != null) {
            return valueOf(cloud.name());
        }
        String rest = withoutVersion(path);
        if ("api/token".equals(rest)) {
            return TOKEN;
        }
        if (rest.startsWith("meta-data/iam/") || "meta-data/iam".equals(rest)) {
            return CREDENTIALS;
        }
        if (rest.startsWith("meta-data")) {
            return META_DATA;
        }
        if (rest.startsWith("dynamic/instance-identity")) {
            return IDENTITY;
        }
        if (rest.startsWith("user-data")) {
            return USER_DATA;
        }
        return OTHER;
    }

    /**
     * The path after its version segment ({@code latest} or a date such as {@code 2021-03-23}),
     * without the query: {@code /latest/meta-data/ami-id?x} becomes {@code meta-data/ami-id}.
     */
    static String withoutVersion(String path) {
        if (path == null) {
            return "";
        }
        int end = path.length();
        int query = path.indexOf('?');
        if (query >= 0) {
            end = query;
        }
        int start = 0;
        while (start < end && path.charAt(start) == '/') {
            start++;
        }
        int slash = path.indexOf('/', start);
        if (slash < 0 || slash >= end) {
            return "";
        }
        return path.substring(slash + 1, end);
    }
}
