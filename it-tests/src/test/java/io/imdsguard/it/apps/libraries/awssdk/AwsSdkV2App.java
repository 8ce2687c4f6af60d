package io.imdsguard.it.apps.libraries.awssdk;

import software.amazon.awssdk.auth.credentials.InstanceProfileCredentialsProvider;
import software.amazon.awssdk.core.util.VersionInfo;
import software.amazon.awssdk.imds.Ec2MetadataClient;
import software.amazon.awssdk.regions.providers.InstanceProfileRegionProvider;

/**
 * A service that reads IMDS through the AWS SDK for Java v2's three ways in:
 *
 * <ul>
 *   <li>{@code imds}: {@link Ec2MetadataClient} (module {@code imds}), which sends its requests
 *       through the SDK's pluggable HTTP client: the one named by the system property {@code
 *       software.amazon.awssdk.http.service.impl} (the test picks UrlConnection or Apache);
 *   <li>{@code credentials}: {@link InstanceProfileCredentialsProvider}, a new provider each time;
 *   <li>{@code region}: {@link InstanceProfileRegionProvider}, part of the default region chain.
 * </ul>
 *
 * The last two use the SDK's own HttpURLConnection code. The SDK finds the mock through the system
 * property {@code aws.ec2MetadataServiceEndpoint}. Each step prints one line {@code <step>:
 * <result>}.
 */
public final class AwsSdkV2App {

    public static final String ENDPOINT_PROPERTY = "aws.ec2MetadataServiceEndpoint";

    private AwsSdkV2App() {}

    public static void main(String[] args) {
        LoopbackOnly.require(ENDPOINT_PROPERTY);
        System.out.println("sdk: " + VersionInfo.SDK_VERSION);
        for (String step : args) {
            String result;
            try {
                result = step(step);
            } catch (RuntimeException e) {
                result = "failed " + e.getClass().getName() + ": " + e.getMessage();
            }
            System.out.println(step + ": " + result);
        }
        System.out.println("done");
    }

    private static String step(String step) {
        switch (step) {
            case "imds":
                return imds();
            case "credentials":
                return credentials();
            case "region":
                return region();
            default:
                throw new IllegalArgumentException("unknown step " + step);
        }
    }

    /** Two reads through one client: the SDK caches its token between them. */
    static String imds() {
        try (Ec2MetadataClient client = Ec2MetadataClient.create()) {
            String instanceId = client.get("/latest/meta-data/instance-id").asString();
            String region = client.get("/latest/meta-data/placement/region").asString();
            return instanceId + " " + region;
        }
    }

    /** The access key id, never the secret. */
    static String credentials() {
        try (InstanceProfileCredentialsProvider provider =
                InstanceProfileCredentialsProvider.create()) {
            return provider.resolveCredentials().accessKeyId();
        }
    }

    static String region() {
        return new InstanceProfileRegionProvider().getRegion().id();
    }
}
