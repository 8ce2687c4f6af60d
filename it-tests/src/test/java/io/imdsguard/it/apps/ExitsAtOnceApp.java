package io.imdsguard.it.apps;

/**
 * A JVM that is over as soon as it starts, as a command-line tool is: {@code return} ends main,
 * {@code exit} calls System.exit at once. The agent's start, which runs beside main, must still be
 * finished and reported before the JVM is gone.
 */
public final class ExitsAtOnceApp {

    public static void main(String[] args) {
        System.out.println("exits-at-once: " + args[0]);
        if (args[0].equals("exit")) {
            System.exit(3);
        }
    }
}
