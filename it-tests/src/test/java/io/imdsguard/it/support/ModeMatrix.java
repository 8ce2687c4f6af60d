package io.imdsguard.it.support;

import io.imdsguard.mockimds.HttpTokens;
import org.junit.jupiter.params.provider.Arguments;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * What an in-scope v1 request gets in each mode, against an IMDS with HttpTokens optional or
 * required: the table every client's end-to-end test checks. Rewrite makes it work either way;
 * enforce makes it fail either way, exactly as required does.
 */
public final class ModeMatrix {

    /** mode, HttpTokens, the status the application sees, the action the agent reports. */
    private static final Object[][] TABLE = {
        {"report", HttpTokens.OPTIONAL, "200", "observed"},
        {"report", HttpTokens.REQUIRED, "401", "observed"},
        {"rewrite", HttpTokens.OPTIONAL, "200", "rewritten"},
        {"rewrite", HttpTokens.REQUIRED, "200", "rewritten"},
        {"enforce", HttpTokens.OPTIONAL, "401", "blocked"},
        {"enforce", HttpTokens.REQUIRED, "401", "blocked"},
    };

    private ModeMatrix() {
    }

    /** The six cases: (mode, httpTokens, expectedStatus, action). For {@code @MethodSource}. */
    public static Stream<Arguments> cases() {
        return Stream.of(TABLE).map(Arguments::of);
    }

    /** The six cases for each library variant: (variant, mode, httpTokens, expectedStatus, action). */
    public static Stream<Arguments> forEach(String... variants) {
        List<Arguments> all = new ArrayList<>();
        for (String variant : variants) {
            for (Object[] row : TABLE) {
                all.add(Arguments.of(variant, row[0], row[1], row[2], row[3]));
            }
        }
        return all.stream();
    }
}
