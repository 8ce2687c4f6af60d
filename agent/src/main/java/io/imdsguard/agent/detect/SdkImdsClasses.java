package io.imdsguard.agent.detect;

/**
 * The AWS SDKs' own IMDS classes: library code, but code that only ever talks to IMDS, so a request
 * they make keeps them as its call site (what the default {@code rewrite.callers} names), with the
 * application frame that called into the SDK reported beside it.
 */
public final class SdkImdsClasses {

    /** The default of {@code rewrite.callers}, class by class. */
    public static final String[] CLASSES = {
        "com.amazonaws.internal.ConnectionUtils",
        "com.amazonaws.internal.EC2MetadataClient",
        "com.amazonaws.util.EC2MetadataUtils",
        "software.amazon.awssdk.regions.internal.util.ConnectionUtils",
    };

    private SdkImdsClasses() {}

    /** Whether {@code className} is one of them, or a class nested in one. */
    public static boolean includes(String className) {
        for (String name : CLASSES) {
            if (className.equals(name)
                    || (className.startsWith(name) && className.charAt(name.length()) == '$')) {
                return true;
            }
        }
        return false;
    }
}
