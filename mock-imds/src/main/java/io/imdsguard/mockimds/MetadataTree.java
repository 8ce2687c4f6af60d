package io.imdsguard.mockimds;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The metadata items below a version root ({@code /latest/}), keyed by their path relative to it.
 * Directory listings are derived from the registered leaves so they can never disagree with them.
 */
final class MetadataTree {

    /** Versions listed at {@code /}; any dated version is still accepted when asked for. */
    static final String VERSIONS_LISTING = "1.0\n2021-03-23\nlatest";

    private static final Duration CREDENTIALS_LIFETIME = Duration.ofHours(1);

    private final InstanceConfig config;
    private final Map<String, Supplier<Reply>> leaves = new HashMap<>();
    // Directory path -> child name -> whether the child is itself a directory.
    private final Map<String, TreeMap<String, Boolean>> directories = new HashMap<>();

    MetadataTree(InstanceConfig config) {
        this.config = config;
        registerMetaData();
        registerDynamic();
        if (config.userData() != null) {
            byte[] data = config.userData().getBytes(StandardCharsets.UTF_8);
            leaf("user-data", () -> new Reply(200, data, Reply.OCTET_STREAM, Map.of()));
        }
    }

    /**
     * @param relative path below the version root, e.g. {@code meta-data/instance-id}; a trailing
     *     slash is optional, as IMDS answers directories with or without it
     */
    Optional<Reply> lookup(String relative) {
        String key =
                relative.endsWith("/") ? relative.substring(0, relative.length() - 1) : relative;
        Supplier<Reply> leaf = leaves.get(key);
        if (leaf != null) {
            return Optional.of(leaf.get());
        }
        TreeMap<String, Boolean> children = directories.get(key);
        if (children == null) {
            return Optional.empty();
        }
        // The version root lists its children without slashes, as IMDS does; deeper listings mark
        // directories.
        boolean root = key.isEmpty();
        StringBuilder listing = new StringBuilder();
        children.forEach(
                (name, isDir) -> {
                    if (listing.length() > 0) {
                        listing.append('\n');
                    }
                    listing.append(name).append(isDir && !root ? "/" : "");
                });
        return Optional.of(Reply.ok(listing.toString()));
    }

    private void registerMetaData() {
        text("meta-data/ami-id", InstanceConfig.AMI_ID);
        text("meta-data/hostname", config.hostname());
        text("meta-data/instance-id", config.instanceId());
        text("meta-data/instance-type", InstanceConfig.INSTANCE_TYPE);
        text("meta-data/local-ipv4", InstanceConfig.LOCAL_IPV4);
        text("meta-data/mac", InstanceConfig.MAC);
        text("meta-data/security-groups", InstanceConfig.SECURITY_GROUPS);
        text("meta-data/placement/availability-zone", config.availabilityZone());
        text("meta-data/placement/region", config.region());
        if (config.hasRole()) {
            leaf("meta-data/iam/info", () -> Reply.ok(iamInfo()));
            // Computed per request so LastUpdated/Expiration move with time like on EC2.
            leaf(
                    "meta-data/iam/security-credentials/" + config.roleName(),
                    () -> Reply.ok(credentials()));
        }
    }

    private void registerDynamic() {
        String document = identityDocument();
        text("dynamic/instance-identity/document", document);
    }

    private String iamInfo() {
        return Json.object()
                .put("Code", "Success")
                .put("LastUpdated", iso(Instant.now()))
                .put(
                        "InstanceProfileArn",
                        "arn:aws:iam::"
                                + InstanceConfig.ACCOUNT_ID
                                + ":instance-profile/"
                                + config.roleName())
                .put("InstanceProfileId", config.instanceProfileId())
                .toString();
    }

    private String credentials() {
        Instant now = Instant.now();
        return Json.object()
                .put("Code", "Success")
                .put("LastUpdated", iso(now))
                .put("Type", "AWS-HMAC")
                .put("AccessKeyId", config.accessKeyId())
                .put("SecretAccessKey", config.secretAccessKey())
                .put("Token", config.sessionToken())
                .put("Expiration", iso(now.plus(CREDENTIALS_LIFETIME)))
                .toString();
    }

    private String identityDocument() {
        return Json.object()
                .put("accountId", InstanceConfig.ACCOUNT_ID)
                .put("architecture", InstanceConfig.ARCHITECTURE)
                .put("availabilityZone", config.availabilityZone())
                .put("imageId", InstanceConfig.AMI_ID)
                .put("instanceId", config.instanceId())
                .put("instanceType", InstanceConfig.INSTANCE_TYPE)
                .put("pendingTime", iso(config.launchedAt()))
                .put("privateIp", InstanceConfig.LOCAL_IPV4)
                .put("region", config.region())
                .put("version", "2017-09-30")
                .toString();
    }

    private static String iso(Instant instant) {
        return instant.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    private void text(String path, String value) {
        Reply reply = Reply.ok(value);
        leaf(path, () -> reply);
    }

    private void leaf(String path, Supplier<Reply> supplier) {
        leaves.put(path, supplier);
        // Register every ancestor, marking each step as a directory in its parent.
        String child = path;
        boolean childIsDir = false;
        while (true) {
            int slash = child.lastIndexOf('/');
            String parent = slash < 0 ? "" : child.substring(0, slash);
            String name = child.substring(slash + 1);
            directories
                    .computeIfAbsent(parent, k -> new TreeMap<>())
                    .merge(name, childIsDir, Boolean::logicalOr);
            if (parent.isEmpty()) {
                return;
            }
            child = parent;
            childIsDir = true;
        }
    }
}
