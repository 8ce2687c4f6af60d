package io.imdsguard.agent.detect;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Iterator;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Finds the call-site frame with {@code java.lang.StackWalker} (Java 9+), which stops at the first
 * application frame (past the run of a library that made the request, see {@link LibraryRun}),
 * where {@code new Throwable().getStackTrace()} resolves every frame of the stack. Every v1 call
 * pays for this lookup, so it is kept to the walk itself: the frame is identified by class, method
 * and bytecode index, and its {@link StackTraceElement} (file and line, which the JVM must look up)
 * and the site's text are made once per such frame and remembered. Only a site's first call needs
 * the whole trace.
 *
 * <p>The agent is Java 8 bytecode, so StackWalker is reached through method handles, which the JIT
 * compiles like direct calls; on Java 8 {@link #callSite()} is null and callers use the Throwable's
 * trace.
 */
final class StackWalkerSite {

    /** Frames remembered at most: an application has far fewer places that call IMDS. */
    private static final int MAX_REMEMBERED = 4096;

    /** Frames fetched by the walk's first trip into the JVM. */
    private static final int FIRST_BATCH = 24;

    private static final Object WALKER;
    private static final MethodHandle WALK;
    private static final MethodHandle CLASS_NAME;
    private static final MethodHandle METHOD_NAME;
    private static final MethodHandle BYTECODE_INDEX;
    private static final MethodHandle TO_ELEMENT;
    private static final MethodHandle DECLARING_CLASS;

    static {
        Object walker = null;
        MethodHandle walk = null;
        MethodHandle className = null;
        MethodHandle methodName = null;
        MethodHandle bytecodeIndex = null;
        MethodHandle toElement = null;
        MethodHandle declaringClass = null;
        try {
            Class<?> walkerType = Class.forName("java.lang.StackWalker");
            Class<?> frameType = Class.forName("java.lang.StackWalker$StackFrame");
            // walk() is caller-sensitive: it needs a full-privilege lookup, not the public one.
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            // Reflection frames are JDK frames, skipped as infrastructure anyway; showing them
            // spares
            // the walker its per-frame test for them.
            @SuppressWarnings({"unchecked", "rawtypes"})
            Object showReflectFrames =
                    Enum.valueOf(
                            (Class) Class.forName("java.lang.StackWalker$Option"),
                            "SHOW_REFLECT_FRAMES");
            // A library is told from the application by where its classes came from.
            @SuppressWarnings({"unchecked", "rawtypes"})
            Object retainClass =
                    Enum.valueOf(
                            (Class) Class.forName("java.lang.StackWalker$Option"),
                            "RETAIN_CLASS_REFERENCE");
            // The call site is about 12 frames down (agent, bridge, client, then the caller's): a
            // first
            // batch that large finds it in one trip into the JVM, where the default batch of 8
            // takes two.
            walker =
                    walkerType
                            .getMethod("getInstance", java.util.Set.class, int.class)
                            .invoke(
                                    null,
                                    new java.util.HashSet<Object>(
                                            java.util.Arrays.asList(
                                                    showReflectFrames, retainClass)),
                                    FIRST_BATCH);
            walk =
                    lookup.findVirtual(
                                    walkerType,
                                    "walk",
                                    MethodType.methodType(Object.class, Function.class))
                            .asType(
                                    MethodType.methodType(
                                            Object.class, Object.class, Function.class));
            className = frameGetter(lookup, frameType, "getClassName", String.class);
            methodName = frameGetter(lookup, frameType, "getMethodName", String.class);
            bytecodeIndex = frameGetter(lookup, frameType, "getByteCodeIndex", int.class);
            toElement =
                    frameGetter(lookup, frameType, "toStackTraceElement", StackTraceElement.class);
            declaringClass = frameGetter(lookup, frameType, "getDeclaringClass", Class.class);
        } catch (Throwable java8) {
            walk = null;
        }
        WALKER = walker;
        WALK = walk;
        CLASS_NAME = className;
        METHOD_NAME = methodName;
        BYTECODE_INDEX = bytecodeIndex;
        TO_ELEMENT = toElement;
        DECLARING_CLASS = declaringClass;
    }

    private static final ConcurrentMap<SiteKey, CallerFrames.Site> REMEMBERED =
            new ConcurrentHashMap<SiteKey, CallerFrames.Site>();

    /** Walks to the call site; answers a {@link Walked}, or null. */
    private static final Function<Stream<?>, Object> CALL_SITE =
            new Function<Stream<?>, Object>() {
                @Override
                public Object apply(Stream<?> frames) {
                    try {
                        LibraryRun run = new LibraryRun();
                        Object requesting = null;
                        Object application = null;
                        Object otherLibrary = null;
                        Iterator<?> each = frames.iterator();
                        int index = 0;
                        while (each.hasNext()) {
                            Object frame = each.next();
                            String className = (String) CLASS_NAME.invokeExact(frame);
                            // the class is asked for only past the name lists: most frames are the
                            // JDK's
                            Class<?> type =
                                    CallerFrames.isInfrastructure(className)
                                            ? null
                                            : (Class<?>) DECLARING_CLASS.invokeExact(frame);
                            boolean done = run.next(index, className, type);
                            if (index == run.requesting()) {
                                requesting = frame;
                            }
                            if (index == run.application()) {
                                application = frame;
                            } else if (index == run.beyondRun()) {
                                otherLibrary = frame;
                            }
                            if (done) {
                                break;
                            }
                            index++;
                        }
                        if (requesting == null) {
                            return null;
                        }
                        Object beyond = application != null ? application : otherLibrary;
                        // the application frame matters where the site is past a library or is an
                        // SDK's
                        return new Walked(
                                run,
                                requesting,
                                run.pastLibrary() || run.sdkCaller() >= 0 ? beyond : null);
                    } catch (Throwable t) {
                        return null;
                    }
                }
            };

    /**
     * What the walk found: the frame that made the request, and the application frame beyond a
     * library.
     */
    private static final class Walked {
        final LibraryRun run;
        final Object requesting;
        final Object beyond;

        Walked(LibraryRun run, Object requesting, Object beyond) {
            this.run = run;
            this.requesting = requesting;
            this.beyond = beyond;
        }
    }

    private StackWalkerSite() {}

    /**
     * Whether the current thread runs code of a class whose name starts with one of {@code
     * prefixes}: the walk stops at the first such frame. Null on Java 8.
     */
    static Boolean runsAnyOf(final String[] prefixes) {
        if (WALK == null) {
            return null;
        }
        try {
            return (Boolean)
                    (Object)
                            WALK.invokeExact(
                                    WALKER,
                                    (Function<Stream<?>, Object>)
                                            new Function<Stream<?>, Object>() {
                                                @Override
                                                public Object apply(Stream<?> frames) {
                                                    try {
                                                        Iterator<?> each = frames.iterator();
                                                        while (each.hasNext()) {
                                                            if (CallerFrames.startsWithAny(
                                                                    (String)
                                                                            CLASS_NAME.invokeExact(
                                                                                    each.next()),
                                                                    prefixes)) {
                                                                return Boolean.TRUE;
                                                            }
                                                        }
                                                        return Boolean.FALSE;
                                                    } catch (Throwable t) {
                                                        return null;
                                                    }
                                                }
                                            });
        } catch (Throwable t) {
            return null;
        }
    }

    private static MethodHandle frameGetter(
            MethodHandles.Lookup lookup, Class<?> frameType, String name, Class<?> type)
            throws ReflectiveOperationException {
        return lookup.findVirtual(frameType, name, MethodType.methodType(type))
                .asType(MethodType.methodType(type, Object.class));
    }

    /** The current thread's call site; null on Java 8, or when there is none. */
    static CallerFrames.Site callSite() {
        if (WALK == null) {
            return null;
        }
        try {
            Walked walked = (Walked) (Object) WALK.invokeExact(WALKER, CALL_SITE);
            if (walked == null) {
                return null;
            }
            SiteKey key =
                    new SiteKey(
                            key(walked.requesting),
                            walked.beyond == null ? null : key(walked.beyond));
            CallerFrames.Site site = REMEMBERED.get(key);
            if (site == null) {
                LibraryRun run = walked.run;
                StackTraceElement requesting =
                        (StackTraceElement) TO_ELEMENT.invokeExact(walked.requesting);
                StackTraceElement beyond =
                        walked.beyond == null
                                ? null
                                : (StackTraceElement) TO_ELEMENT.invokeExact(walked.beyond);
                if (run.pastLibrary()) {
                    site = CallerFrames.Site.of(beyond, null, run);
                } else {
                    site =
                            CallerFrames.Site.of(
                                    requesting,
                                    run.sdkCaller() >= 0 && beyond != null
                                            ? CallerFrames.format(beyond)
                                            : null,
                                    run);
                }
                if (REMEMBERED.size() < MAX_REMEMBERED) {
                    REMEMBERED.put(key, site);
                }
            }
            return site;
        } catch (Throwable t) {
            return null;
        }
    }

    private static FrameKey key(Object frame) throws Throwable {
        return new FrameKey(
                (String) CLASS_NAME.invokeExact(frame),
                (String) METHOD_NAME.invokeExact(frame),
                (int) BYTECODE_INDEX.invokeExact(frame));
    }

    /** The frame that made the request and the application frame beyond it, if any. */
    private static final class SiteKey {
        private final FrameKey requesting;
        private final FrameKey beyond;

        SiteKey(FrameKey requesting, FrameKey beyond) {
            this.requesting = requesting;
            this.beyond = beyond;
        }

        @Override
        public boolean equals(Object other) {
            if (!(other instanceof SiteKey)) {
                return false;
            }
            SiteKey that = (SiteKey) other;
            return requesting.equals(that.requesting)
                    && (beyond == null ? that.beyond == null : beyond.equals(that.beyond));
        }

        @Override
        public int hashCode() {
            return requesting.hashCode() * 31 + (beyond == null ? 0 : beyond.hashCode());
        }
    }

    /** A frame's place in the code: the same for every call made from there. */
    private static final class FrameKey {
        private final String className;
        private final String methodName;
        private final int bytecodeIndex;

        FrameKey(String className, String methodName, int bytecodeIndex) {
            this.className = className;
            this.methodName = methodName;
            this.bytecodeIndex = bytecodeIndex;
        }

        @Override
        public boolean equals(Object other) {
            if (!(other instanceof FrameKey)) {
                return false;
            }
            FrameKey that = (FrameKey) other;
            return bytecodeIndex == that.bytecodeIndex
                    && className.equals(that.className)
                    && methodName.equals(that.methodName);
        }

        @Override
        public int hashCode() {
            return (className.hashCode() * 31 + methodName.hashCode()) * 31 + bytecodeIndex;
        }
    }
}
