package io.imdsguard.it.clients.harness;

import io.imdsguard.mockimds.HttpTokens;
import java.util.List;

/**
 * The modes times the IMDS settings, and what each does to a request: rewrite makes an in-scope v1
 * call work either way, enforce makes it fail either way, exactly as HttpTokens=required does; a
 * relayed call is never rewritten.
 */
final class Matrix {

    static final List<Object[]> ALL =
            List.of(
                    new Object[] {"report", HttpTokens.OPTIONAL},
                            new Object[] {"report", HttpTokens.REQUIRED},
                    new Object[] {"rewrite", HttpTokens.OPTIONAL},
                            new Object[] {"rewrite", HttpTokens.REQUIRED},
                    new Object[] {"enforce", HttpTokens.OPTIONAL},
                            new Object[] {"enforce", HttpTokens.REQUIRED});

    static final List<Object[]> EACH_MODE_ONCE =
            List.of(
                    new Object[] {"report", HttpTokens.OPTIONAL},
                    new Object[] {"rewrite", HttpTokens.REQUIRED},
                    new Object[] {"enforce", HttpTokens.OPTIONAL});

    /** The modes against one IMDS setting. */
    static List<Object[]> modesAgainst(HttpTokens tokens) {
        return List.of(
                new Object[] {"report", tokens},
                new Object[] {"rewrite", tokens},
                new Object[] {"enforce", tokens});
    }

    private Matrix() {}

    /** Whether the application gets IMDS's answer (else IMDS's 401). */
    static boolean works(Call.Kind kind, String mode, HttpTokens tokens) {
        return switch (kind) {
            case V2 -> true;
            case V1 ->
                    mode.equals("rewrite")
                            || (mode.equals("report") && tokens == HttpTokens.OPTIONAL);
            case RELAYED_V1, CONNECTION_ONLY_V1 ->
                    !mode.equals("enforce") && tokens == HttpTokens.OPTIONAL;
        };
    }

    /** The action the agent reports for a v1 call (the report's and the log's spelling). */
    static String action(Call.Kind kind, String mode) {
        return switch (mode) {
            case "rewrite" -> kind == Call.Kind.V1 ? "rewritten" : "rewrite_denied";
            case "enforce" -> "blocked";
            default -> "observed";
        };
    }
}
