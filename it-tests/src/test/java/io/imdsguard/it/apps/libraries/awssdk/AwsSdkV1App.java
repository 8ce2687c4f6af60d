package io.imdsguard.it.apps.libraries.awssdk;

import com.amazonaws.AmazonServiceException;
import com.amazonaws.auth.AWSCredentials;
import com.amazonaws.auth.InstanceProfileCredentialsProvider;
import com.amazonaws.util.EC2MetadataUtils;
import com.amazonaws.util.VersionInfoUtils;

/**
 * A service that reads IMDS the way applications on the AWS SDK for Java v1 do: instance facts
 * through {@code EC2MetadataUtils}, role credentials through {@code
 * InstanceProfileCredentialsProvider}. It uses only API that exists in 1.11.600 and 1.12.x alike,
 * and runs on the SDK version its classpath holds ({@code client-libs/aws-sdk-v1-1.11} or {@code
 * -1.12}). The SDK finds the mock through the system property {@code
 * com.amazonaws.sdk.ec2MetadataServiceEndpointOverride}.
 *
 * <p>Arguments: the steps to run, in order: {@code instance-id}, {@code region} (the identity
 * document; not cached by the SDK, unlike {@code instance-id}), {@code credentials} (a new provider
 * each time, so each step fetches). Each prints one line {@code <step>: <result>}.
 */
public final class AwsSdkV1App {

    public static final String ENDPOINT_PROPERTY =
            "com.amazonaws.sdk.ec2MetadataServiceEndpointOverride";

    private AwsSdkV1App() {}

    public static void main(String[] args) {
        LoopbackOnly.require(ENDPOINT_PROPERTY);
        System.out.println("sdk: " + VersionInfoUtils.getVersion());
        for (String step : args) {
            switch (step) {
                case "instance-id":
                    System.out.println("instance-id: " + instanceId());
                    break;
                case "region":
                    System.out.println("region: " + region());
                    break;
                case "credentials":
                    System.out.println("credentials: " + credentials());
                    break;
                default:
                    throw new IllegalArgumentException("unknown step " + step);
            }
        }
        System.out.println("done");
    }

    /** The SDK answers null when IMDS refuses (it logs a warning), as legacy code then sees it. */
    static String instanceId() {
        return EC2MetadataUtils.getInstanceId();
    }

    static String region() {
        return EC2MetadataUtils.getEC2InstanceRegion();
    }

    /** The access key id (never the secret), or how the provider failed. */
    static String credentials() {
        InstanceProfileCredentialsProvider provider = new InstanceProfileCredentialsProvider(false);
        try {
            AWSCredentials credentials = provider.getCredentials();
            return credentials.getAWSAccessKeyId();
        } catch (AmazonServiceException e) {
            return "failed " + e.getClass().getName() + " status=" + e.getStatusCode();
        } catch (RuntimeException e) {
            return "failed " + e.getClass().getName();
        }
    }
}
