package testlibrary;

import java.util.function.Supplier;

/**
 * An HTTP library the agent has never heard of, as far as the stack shows: its own package and, in
 * {@code LibraryCallSitesTest}, its own jar. {@code socket} stands for the JDK code the agent
 * hooks.
 */
public final class TinyHttp {

    private TinyHttp() {}

    public static Object send(Supplier<?> socket) {
        return execute(socket);
    }

    private static Object execute(Supplier<?> socket) {
        return socket.get();
    }
}
