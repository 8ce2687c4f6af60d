package io.imdsguard.agent.scan;

/** What a finding does under {@code HttpTokens=required}. */
enum Classification {
    /** Reads IMDS without a token: fails once v1 is turned off. */
    V1_ONLY("v1 only", "v1-only"),
    /** Gets a token first, but reads without one when the token request fails. */
    V2_WITH_V1_FALLBACK("v2 with v1 fallback", "v2-with-v1-fallback"),
    /** Gets a token and sends it. */
    V2("v2", "v2");

    final String text;

    /** The value in the JSON report. */
    final String tag;

    Classification(String text, String tag) {
        this.text = text;
        this.tag = tag;
    }

    boolean breaksUnderRequired() {
        return this == V1_ONLY;
    }
}
