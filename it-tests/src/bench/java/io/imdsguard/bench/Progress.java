package io.imdsguard.bench;

import java.time.Duration;
import java.time.Instant;

/** Progress lines on standard output, with the time since the bench started. */
final class Progress {

    private static final Instant START = Instant.now();

    private Progress() {}

    static void say(String line) {
        Duration elapsed = Duration.between(START, Instant.now());
        System.out.printf(
                "[bench %02d:%02d] %s%n", elapsed.toMinutes(), elapsed.toSecondsPart(), line);
        System.out.flush();
    }
}
