package io.imdsguard.mockimds;

import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The fake instance the mock describes. Credentials are random per mock so that tests can tell them
 * apart from anything hard-coded, and fixed for its lifetime like one rotation period on EC2.
 */
record InstanceConfig(
        String instanceId,
        String region,
        String roleName,
        String userData,
        String accessKeyId,
        String secretAccessKey,
        String sessionToken,
        String instanceProfileId,
        Instant launchedAt) {

    static final String ACCOUNT_ID = "123456789012";
    static final String AMI_ID = "ami-0abcdef1234567890";
    static final String INSTANCE_TYPE = "t3.micro";
    static final String LOCAL_IPV4 = "10.0.0.12";
    static final String MAC = "0a:1b:2c:3d:4e:5f";
    static final String SECURITY_GROUPS = "default";
    static final String ARCHITECTURE = "x86_64";

    private static final String UPPER_BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    private static final String BASE64_CHARS =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    static InstanceConfig generate(
            String instanceId, String region, String roleName, String userData) {
        SecureRandom random = new SecureRandom();
        return new InstanceConfig(
                instanceId,
                region,
                roleName,
                userData,
                // "ASIA" marks temporary (STS) keys, which is what instance profiles hand out.
                "ASIA" + randomChars(random, UPPER_BASE32, 16),
                randomChars(random, BASE64_CHARS, 40),
                "IQoJb3JpZ2luX2Vj" + randomChars(random, BASE64_CHARS, 300),
                "AIPA" + randomChars(random, UPPER_BASE32, 17),
                Instant.now().truncatedTo(ChronoUnit.SECONDS));
    }

    String availabilityZone() {
        return region + "a";
    }

    String hostname() {
        return "ip-" + LOCAL_IPV4.replace('.', '-') + "." + region + ".compute.internal";
    }

    boolean hasRole() {
        return roleName != null;
    }

    private static String randomChars(SecureRandom random, String alphabet, int length) {
        StringBuilder out = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            out.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return out.toString();
    }
}
