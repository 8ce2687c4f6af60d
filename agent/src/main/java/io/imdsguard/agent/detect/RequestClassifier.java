package io.imdsguard.agent.detect;

/**
 * Tells v1, v2 and token requests apart, following the rules in the project's IMDS reference, and
 * other clouds' metadata requests from all three.
 */
public final class RequestClassifier {

    private RequestClassifier() {}

    public static ImdsVersion classify(ImdsRequest request) {
        if (request.unparsed()) {
            return ImdsVersion.UNPARSED;
        }
        if (OtherCloud.of(request.path()) != null) {
            return ImdsVersion.OTHER_CLOUD;
        }
        if ("PUT".equalsIgnoreCase(request.method()) && isTokenPath(request.path())) {
            return ImdsVersion.TOKEN;
        }
        return request.carriesToken() ? ImdsVersion.V2 : ImdsVersion.V1;
    }

    /** {@code /latest/api/token}, or a versioned form such as {@code /2021-03-23/api/token}. */
    static boolean isTokenPath(String path) {
        return "api/token".equals(PathCategory.withoutVersion(path));
    }
}
