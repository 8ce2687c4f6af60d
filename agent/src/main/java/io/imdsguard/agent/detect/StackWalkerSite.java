package io.imdsguard.agent.detect;

import java.lang.reflect.Method;
import java.util.Iterator;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Finds the call-site frame with {@code java.lang.StackWalker} (Java 9+), which stops at the first
 * application frame and builds a {@link StackTraceElement} for that one frame only, where
 * {@code new Throwable().getStackTrace()} resolves every frame of the stack. Every v1 call pays for
 * this lookup; only a site's first call needs the whole trace. The agent is Java 8 bytecode, so
 * StackWalker is reached through reflection; on Java 8 {@link #firstApplicationFrame()} is null and
 * callers use the Throwable's trace.
 */
final class StackWalkerSite {

    private static final Object WALKER;
    private static final Method WALK;
    private static final Method CLASS_NAME;
    private static final Method TO_ELEMENT;

    static {
        Object walker = null;
        Method walk = null;
        Method className = null;
        Method toElement = null;
        try {
            Class<?> walkerType = Class.forName("java.lang.StackWalker");
            Class<?> frameType = Class.forName("java.lang.StackWalker$StackFrame");
            walker = walkerType.getMethod("getInstance").invoke(null);
            walk = walkerType.getMethod("walk", Function.class);
            className = frameType.getMethod("getClassName");
            toElement = frameType.getMethod("toStackTraceElement");
        } catch (Throwable java8) {
            walk = null;
        }
        WALKER = walker;
        WALK = walk;
        CLASS_NAME = className;
        TO_ELEMENT = toElement;
    }

    private static final Function<Stream<?>, StackTraceElement> FIRST_APPLICATION_FRAME =
            new Function<Stream<?>, StackTraceElement>() {
                @Override
                public StackTraceElement apply(Stream<?> frames) {
                    try {
                        Iterator<?> each = frames.iterator();
                        while (each.hasNext()) {
                            Object frame = each.next();
                            if (!CallerFrames.isInfrastructure((String) CLASS_NAME.invoke(frame))) {
                                return (StackTraceElement) TO_ELEMENT.invoke(frame);
                            }
                        }
                        return null;
                    } catch (Exception e) {
                        return null;
                    }
                }
            };

    private StackWalkerSite() {
    }

    /** The current thread's first application frame; null on Java 8, or when there is none. */
    static StackTraceElement firstApplicationFrame() {
        if (WALK == null) {
            return null;
        }
        try {
            return (StackTraceElement) WALK.invoke(WALKER, FIRST_APPLICATION_FRAME);
        } catch (Exception e) {
            return null;
        }
    }
}
