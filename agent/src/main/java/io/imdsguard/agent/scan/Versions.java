package io.imdsguard.agent.scan;

/**
 * Orders Maven versions as the SDKs number them: dotted numbers, a qualifier after a {@code -}
 * ignored.
 */
final class Versions {

    private Versions() {}

    /**
     * Negative when {@code a} is older than {@code b}; numbers compare as numbers, 1.11.678 after
     * 1.11.99.
     */
    static int compare(String a, String b) {
        String[] left = numbers(a);
        String[] right = numbers(b);
        for (int i = 0; i < Math.max(left.length, right.length); i++) {
            long l = i < left.length ? number(left[i]) : 0;
            long r = i < right.length ? number(right[i]) : 0;
            if (l != r) {
                return l < r ? -1 : 1;
            }
        }
        return 0;
    }

    /** True when the version starts with a number, so that it can be compared at all. */
    static boolean comparable(String version) {
        return version != null && !version.isEmpty() && Character.isDigit(version.charAt(0));
    }

    private static String[] numbers(String version) {
        int dash = version.indexOf('-');
        return (dash > 0 ? version.substring(0, dash) : version).split("\\.");
    }

    private static long number(String part) {
        int end = 0;
        while (end < part.length() && end < 18 && Character.isDigit(part.charAt(end))) {
            end++;
        }
        return end == 0 ? 0 : Long.parseLong(part.substring(0, end));
    }
}
