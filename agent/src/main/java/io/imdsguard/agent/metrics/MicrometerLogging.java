package io.imdsguard.agent.metrics;

import io.imdsguard.agent.log.AgentLog;
import io.micrometer.common.util.internal.logging.AbstractInternalLogger;
import io.micrometer.common.util.internal.logging.InternalLogger;
import io.micrometer.common.util.internal.logging.InternalLoggerFactory;

/**
 * Sends the bundled Micrometer's own log messages to the agent's log. Left alone, Micrometer would
 * bind to the application's SLF4J (printing its warnings into the application's output) or start
 * java.util.logging during premain, which breaks applications that install their own LogManager
 * later (JBoss, Tomcat's JULI). Warnings and errors are kept; the rest is debug.
 */
public final class MicrometerLogging {

    private MicrometerLogging() {}

    /** Must run before the first Micrometer class that logs is loaded. */
    public static void install(final AgentLog log) {
        InternalLoggerFactory.setDefaultFactory(
                new InternalLoggerFactory() {
                    @Override
                    protected InternalLogger newInstance(String name) {
                        return new ToAgentLog(name, log);
                    }
                });
    }

    /** Formats SLF4J-style {@code {}} placeholders, the only format Micrometer uses. */
    static String format(String pattern, Object... arguments) {
        StringBuilder text = new StringBuilder();
        int from = 0;
        int argument = 0;
        int at;
        while ((at = pattern.indexOf("{}", from)) >= 0 && argument < arguments.length) {
            text.append(pattern, from, at).append(arguments[argument++]);
            from = at + 2;
        }
        text.append(pattern.substring(from));
        if (argument < arguments.length && arguments[arguments.length - 1] instanceof Throwable) {
            text.append(": ").append(arguments[arguments.length - 1]);
        }
        return text.toString();
    }

    private static final class ToAgentLog extends AbstractInternalLogger {
        private static final long serialVersionUID = 1L;
        private final transient AgentLog log;

        ToAgentLog(String name, AgentLog log) {
            super(name);
            this.log = log;
        }

        private void important(String message) {
            log.info("micrometer (" + name() + "): " + message);
        }

        private void detail(String message) {
            log.debug("micrometer (" + name() + "): " + message);
        }

        @Override
        public boolean isTraceEnabled() {
            return false;
        }

        @Override
        public void trace(String msg) {}

        @Override
        public void trace(String format, Object arg) {}

        @Override
        public void trace(String format, Object argA, Object argB) {}

        @Override
        public void trace(String format, Object... arguments) {}

        @Override
        public void trace(String msg, Throwable t) {}

        @Override
        public boolean isDebugEnabled() {
            return log.debugEnabled();
        }

        @Override
        public void debug(String msg) {
            detail(msg);
        }

        @Override
        public void debug(String format, Object arg) {
            detail(format(format, arg));
        }

        @Override
        public void debug(String format, Object argA, Object argB) {
            detail(format(format, argA, argB));
        }

        @Override
        public void debug(String format, Object... arguments) {
            detail(format(format, arguments));
        }

        @Override
        public void debug(String msg, Throwable t) {
            detail(msg + ": " + t);
        }

        @Override
        public boolean isInfoEnabled() {
            return log.debugEnabled();
        }

        @Override
        public void info(String msg) {
            detail(msg);
        }

        @Override
        public void info(String format, Object arg) {
            detail(format(format, arg));
        }

        @Override
        public void info(String format, Object argA, Object argB) {
            detail(format(format, argA, argB));
        }

        @Override
        public void info(String format, Object... arguments) {
            detail(format(format, arguments));
        }

        @Override
        public void info(String msg, Throwable t) {
            detail(msg + ": " + t);
        }

        @Override
        public boolean isWarnEnabled() {
            return true;
        }

        @Override
        public void warn(String msg) {
            important(msg);
        }

        @Override
        public void warn(String format, Object arg) {
            important(format(format, arg));
        }

        @Override
        public void warn(String format, Object... arguments) {
            important(format(format, arguments));
        }

        @Override
        public void warn(String format, Object argA, Object argB) {
            important(format(format, argA, argB));
        }

        @Override
        public void warn(String msg, Throwable t) {
            important(msg + ": " + t);
        }

        @Override
        public boolean isErrorEnabled() {
            return true;
        }

        @Override
        public void error(String msg) {
            important(msg);
        }

        @Override
        public void error(String format, Object arg) {
            important(format(format, arg));
        }

        @Override
        public void error(String format, Object argA, Object argB) {
            important(format(format, argA, argB));
        }

        @Override
        public void error(String format, Object... arguments) {
            important(format(format, arguments));
        }

        @Override
        public void error(String msg, Throwable t) {
            important(msg + ": " + t);
        }
    }
}
