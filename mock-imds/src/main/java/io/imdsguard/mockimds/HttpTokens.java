package io.imdsguard.mockimds;

/**
 * The instance's {@code HttpTokens} metadata option, as set with EC2's
 * ModifyInstanceMetadataOptions.
 */
public enum HttpTokens {
    /** v1 (no token) and v2 requests are both answered. */
    OPTIONAL,
    /** Requests without a token get {@code 401 Unauthorized}. */
    REQUIRED
}
