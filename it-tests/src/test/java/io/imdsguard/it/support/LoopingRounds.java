package io.imdsguard.it.support;

import io.imdsguard.mockimds.MockImds;
import io.imdsguard.mockimds.ReceivedRequest;
import java.util.List;

/**
 * The rounds of a running {@link io.imdsguard.it.apps.LoopingV1App}, and what IMDS received during
 * them.
 */
public final class LoopingRounds {

    private LoopingRounds() {}

    /** Its {@code round N huc=<status> jdk=<status>} lines so far. */
    public static List<String> of(AppJvm.Running app) {
        return app.stdout().lines().filter(l -> l.startsWith("round ")).toList();
    }

    /** The last round's line. */
    public static String last(AppJvm.Running app) {
        List<String> rounds = of(app);
        return rounds.isEmpty() ? "" : rounds.get(rounds.size() - 1);
    }

    /**
     * What IMDS received during two whole rounds that began after a change made just now (a mode
     * switch): the round under way at the change may mix both modes, so it is waited out first.
     */
    public static List<ReceivedRequest> settledRequests(AppJvm.Running app, MockImds mock)
            throws InterruptedException {
        int atChange = of(app).size();
        Await.until(
                "the round under way at the change, and one more",
                () -> of(app).size() >= atChange + 2,
                app::stdout);
        int from = mock.requests().size();
        int roundsFrom = of(app).size();
        Await.until("two more rounds", () -> of(app).size() >= roundsFrom + 2, app::stdout);
        List<ReceivedRequest> all = mock.requests();
        return all.subList(from, all.size());
    }
}
