package io.imdsguard.it.clients.harness;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * One request a client app makes, as the app prints it: {@code <label>: <status> <body>} per call.
 *
 * @param label what the app's line starts with, before {@code ": "}
 * @param site the app's method that is the call site the agent must report (for v2 calls: the
 *     method that makes them, which is never reported)
 * @param kind what the request is on the wire
 * @param times how many times the app makes it in one run
 * @param client the agent's client name expected at this site; null: the variant's
 * @param body the body the app prints when the call works; null: any
 * @param refused what the app prints when IMDS refuses the call; null: any line containing 401
 * @param thread the thread the agent reports the call on, or its name's start: {@code main}, the
 *     app's thread, unless the client writes it on its own I/O thread ({@link #onLibraryThread})
 * @param libraryFrames for a call reported on the client's own thread: the package of the library
 *     frames that wrote it, the site then being one of them; null: the site is the app's {@code
 *     site}
 * @param served the status the app prints when IMDS serves the call: 200 unless the path is unknown
 *     (404)
 */
public record Call(
        String label,
        String site,
        Kind kind,
        int times,
        String client,
        String body,
        String refused,
        String thread,
        String libraryFrames,
        String served) {

    /** What a request is on the wire, which decides what each mode does with it. */
    public enum Kind {
        /** An IMDSv1 request from a trusted call site: observed, rewritten or blocked per mode. */
        V1,
        /**
         * An IMDSv1 request relaying another's (X-Forwarded-For): never rewritten, blocked under
         * enforce.
         */
        RELAYED_V1,
        /** The app's own token and v2 read: untouched in every mode, never reported. */
        V2,
        /**
         * An IMDSv1 request the agent sees only as bytes on the connection (the NIO backstop):
         * counted, never rewritten (a header cannot be added to bytes in the client's buffers),
         * under enforce the write fails, so the app gets a failed call and IMDS nothing.
         */
        CONNECTION_ONLY_V1
    }

    public static Call v1(String label, String site, int times) {
        return new Call(label, site, Kind.V1, times, null, null, null, "main", null, "200");
    }

    public static Call relayedV1(String label, String site, int times) {
        return new Call(label, site, Kind.RELAYED_V1, times, null, null, null, "main", null, "200");
    }

    public static Call connectionOnlyV1(String label, String site, int times) {
        return new Call(
                label, site, Kind.CONNECTION_ONLY_V1, times, null, null, null, "main", null, "200");
    }

    public static Call v2(String label, String site, int times) {
        return new Call(label, site, Kind.V2, times, null, null, null, "main", null, "200");
    }

    /**
     * The calls of an app that makes each call in a static method of its own, named {@code v1...}
     * or {@code v2...} and printed under that name ({@code io.imdsguard.it.apps.clients.Calls}),
     * each {@code times} times: a method added to the app is a call its test checks, without a word
     * more.
     */
    public static List<Call> eachMethod(Class<?> app, int times) {
        List<Call> calls =
                Arrays.stream(app.getDeclaredMethods())
                        .filter(
                                m ->
                                        Modifier.isStatic(m.getModifiers())
                                                && m.getReturnType() == String.class
                                                && m.getParameterCount() == 0
                                                && (m.getName().startsWith("v1")
                                                        || m.getName().startsWith("v2")))
                        .sorted(Comparator.comparing(Method::getName))
                        .map(
                                m ->
                                        m.getName().startsWith("v1")
                                                ? v1(m.getName(), m.getName(), times)
                                                : v2(m.getName(), m.getName(), times))
                        .toList();
        if (calls.stream().noneMatch(c -> c.kind() == Kind.V1)
                || calls.stream().noneMatch(c -> c.kind() == Kind.V2)) {
            throw new IllegalArgumentException("no v1 or no v2 call methods in " + app);
        }
        return calls;
    }

    /** Reported under another client name than the variant's (the same app, several clients). */
    public Call as(String otherClient) {
        return new Call(
                label,
                site,
                kind,
                times,
                otherClient,
                body,
                refused,
                thread,
                libraryFrames,
                served);
    }

    /** The exact body the app prints when the call works. */
    public Call answering(String exactBody) {
        return new Call(
                label,
                site,
                kind,
                times,
                client,
                exactBody,
                refused,
                thread,
                libraryFrames,
                served);
    }

    /** The exact text the app prints (after the label) when IMDS refuses the call. */
    public Call refusedAs(String exactText) {
        return new Call(
                label, site, kind, times, client, body, exactText, thread, libraryFrames, served);
    }

    /** Served with {@code status} (a path the mock does not know: 404), not 200. */
    public Call servedWith(int status) {
        return new Call(
                label,
                site,
                kind,
                times,
                client,
                body,
                refused,
                thread,
                libraryFrames,
                String.valueOf(status));
    }

    /**
     * Written by the client on a thread of its own whose name starts with {@code threadPrefix},
     * where no application frame is: the site is the library's frame, in {@code libraryPackage}.
     */
    public Call onLibraryThread(String threadPrefix, String libraryPackage) {
        return new Call(
                label,
                site,
                kind,
                times,
                client,
                body,
                refused,
                threadPrefix,
                libraryPackage,
                served);
    }
}
