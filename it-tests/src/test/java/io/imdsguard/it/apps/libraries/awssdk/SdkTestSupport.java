package io.imdsguard.it.apps.libraries.awssdk;

import static org.junit.jupiter.api.Assertions.assertFalse;

import io.imdsguard.it.support.AppJvm;
import io.imdsguard.it.support.JvmResult;
import io.imdsguard.mockimds.MockImds;
import io.imdsguard.mockimds.ReceivedRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

/**
 * For the AwsSdk*IT tests (not an app): how an SDK test app is started, and what the tests read
 * back.
 */
public final class SdkTestSupport {

    private static final Pattern STEP_RESULT = Pattern.compile("[a-z][a-z-]*: .*");

    private SdkTestSupport() {}

    /**
     * Points the SDK at the mock through {@code endpointProperty} (the SDK's own override
     * property), and, as a second guard, through {@code AWS_EC2_METADATA_SERVICE_ENDPOINT}, which
     * the newer SDKs read when the property is missing: without either they would go to the real
     * IMDS address. The SDK's other inputs are pinned: no profile files from the home folder, no
     * IMDS switches from the caller's environment.
     */
    public static AppJvm sdkApp(AppJvm jvm, MockImds mock, Path dir, String endpointProperty) {
        Path none = dir.resolve("no-aws-config");
        return jvm.systemProperty(endpointProperty, mock.endpoint())
                .systemProperty("aws.java.v1.disableDeprecationAnnouncement", "true")
                .env("AWS_EC2_METADATA_SERVICE_ENDPOINT", mock.endpoint())
                .env("AWS_CONFIG_FILE", none.toString())
                .env("AWS_SHARED_CREDENTIALS_FILE", none.toString())
                .withoutEnv("AWS_PROFILE")
                .withoutEnv("AWS_REGION")
                .withoutEnv("AWS_EC2_METADATA_DISABLED")
                .withoutEnv("AWS_EC2_METADATA_V1_DISABLED")
                .withoutEnv("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE")
                .withoutEnv("AWS_METADATA_SERVICE_TIMEOUT");
    }

    /**
     * The app's result lines ({@code <step>: <result>}), without the version line, the final {@code
     * done}, and whatever a logging library on the classpath prints (spring-jcl does).
     */
    public static List<String> results(JvmResult run) {
        return run.stdoutLines().stream()
                .filter(l -> STEP_RESULT.matcher(l).matches() && !l.startsWith("sdk: "))
                .toList();
    }

    public static long received(MockImds mock, ReceivedRequest.Kind kind) {
        return mock.requests().stream().filter(r -> r.kind() == kind).count();
    }

    /** No token the mock ever issued appears in what the JVM printed or in the report. */
    public static void assertNoTokenLeak(MockImds mock, JvmResult run, Path report)
            throws IOException {
        String reportText = report != null && Files.exists(report) ? Files.readString(report) : "";
        for (String token : mock.issuedTokens()) {
            assertFalse(
                    run.stdout().contains(token)
                            || run.stderr().contains(token)
                            || reportText.contains(token),
                    "a token value leaked");
        }
    }
}
