package testcallers;

import java.lang.reflect.Method;
import java.util.function.Supplier;

/**
 * Application code with two methods that call one library: each is a call site of its own. The
 * library is reached through {@code send}, a method of whichever copy of it the test loaded.
 */
public final class LibraryCallers {

    private LibraryCallers() {}

    public static Object instanceId(Method send, Supplier<?> socket) throws Exception {
        return send.invoke(null, socket);
    }

    public static Object credentials(Method send, Supplier<?> socket) throws Exception {
        return send.invoke(null, socket);
    }
}
