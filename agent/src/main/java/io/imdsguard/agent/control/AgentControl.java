package io.imdsguard.agent.control;

import io.imdsguard.agent.config.AgentConfig;
import io.imdsguard.agent.config.CallerScope;
import io.imdsguard.agent.config.ConfigKey;
import io.imdsguard.agent.config.Mode;
import io.imdsguard.agent.detect.CallerFrames;
import io.imdsguard.agent.detect.ImdsRequest;
import io.imdsguard.agent.log.AgentLog;
import io.imdsguard.agent.policy.Decision;
import io.imdsguard.agent.policy.EnforcePolicy;
import io.imdsguard.agent.policy.ReportPolicy;
import io.imdsguard.agent.policy.RequestPolicy;
import io.imdsguard.agent.policy.RewritePolicy;
import io.imdsguard.agent.report.Reporter;
import io.imdsguard.agent.rewrite.LazyTokenProvider;
import java.util.ArrayList;
import java.util.List;

/**
 * The part of the configuration that can change while the JVM runs: mode, rewrite.callers and
 * jmx.control. Every v1 decision reads the current settings once, so a switch takes effect with the
 * next request; a request already decided goes on as decided. Every change is logged with who made
 * it.
 */
public final class AgentControl implements RequestPolicy {

    /** Who asked for a change, for the log. */
    public static final String BY_ATTACH = "attach";

    public static final String BY_JMX = "JMX";

    private final LazyTokenProvider tokens;
    private final AgentLog log;
    private final Reporter reporter;
    private final AgentStatus status;
    private volatile Settings current;
    private volatile boolean jmxControl;

    public AgentControl(
            AgentConfig config,
            LazyTokenProvider tokens,
            AgentLog log,
            Reporter reporter,
            AgentStatus status) {
        this.tokens = tokens;
        this.log = log;
        this.reporter = reporter;
        this.status = status;
        this.jmxControl = config.jmxControl();
        this.current = settings(config.mode(), config.rewriteCallers());
    }

    @Override
    public Decision decideV1(ImdsRequest request, CallerFrames caller) {
        return current.policy.decideV1(request, caller);
    }

    public Mode mode() {
        return current.mode;
    }

    public List<String> rewriteCallers() {
        return current.scope.prefixes();
    }

    public boolean jmxControl() {
        return jmxControl;
    }

    /**
     * Changes mode and/or scope (null leaves it as it is) and logs each change, old and new.
     * Switching to rewrite makes the token provider now; switching away stops rewriting with the
     * next request.
     */
    public synchronized void change(Mode mode, List<String> callers, String by) {
        Settings before = current;
        Mode newMode = mode != null ? mode : before.mode;
        List<String> newCallers = callers != null ? callers : before.scope.prefixes();
        if (newMode == before.mode && newCallers.equals(before.scope.prefixes())) {
            return;
        }
        current = settings(newMode, newCallers);
        if (newMode != before.mode) {
            log.info("mode changed by " + by + ": " + before.mode.id() + " -> " + newMode.id());
            reporter.modeChanged(newMode.id());
        }
        if (!newCallers.equals(before.scope.prefixes())) {
            log.info(
                    "rewrite.callers changed by "
                            + by
                            + ": "
                            + join(before.scope.prefixes())
                            + " -> "
                            + join(newCallers)
                            + (newMode == Mode.REWRITE ? "" : " (used once mode=rewrite)"));
        }
        status.publish(newMode.id());
    }

    /**
     * Whether a JMX client may change anything; refused with a message naming the key otherwise.
     */
    public void checkJmxControl() {
        if (!jmxControl) {
            throw new SecurityException(
                    "changes over JMX are off in this JVM: start imds-guard with jmx.control=true"
                            + " (key 'jmx.control') to allow them, or change it with 'java -jar imds-guard-agent.jar attach'");
        }
    }

    /**
     * A later attach: the keys it names that can change at run time are applied, the others are
     * listed as needing a restart. The arguments were validated by the caller.
     */
    public synchronized void applyAttach(
            AgentConfig requested, java.util.Set<ConfigKey> given, AgentConfig running) {
        List<String> applied = new ArrayList<String>();
        List<String> unchanged = new ArrayList<String>();
        List<String> restart = new ArrayList<String>();
        Mode mode = null;
        List<String> callers = null;
        for (ConfigKey key : given) {
            Object wanted = requested.value(key);
            boolean same;
            switch (key) {
                case MODE:
                    same = wanted == current.mode;
                    mode = requested.mode();
                    break;
                case REWRITE_CALLERS:
                    same = wanted.equals(current.scope.prefixes());
                    callers = requested.rewriteCallers();
                    break;
                case JMX_CONTROL:
                    same = requested.jmxControl() == jmxControl;
                    if (!same) {
                        log.info(
                                "jmx.control changed by "
                                        + BY_ATTACH
                                        + ": "
                                        + jmxControl
                                        + " -> "
                                        + requested.jmxControl());
                    }
                    jmxControl = requested.jmxControl();
                    break;
                default:
                    same =
                            wanted == null
                                    ? running.value(key) == null
                                    : wanted.equals(running.value(key));
                    if (!same) {
                        restart.add(key.key());
                    }
                    if (same) {
                        unchanged.add(key.key());
                    }
                    continue;
            }
            (same ? unchanged : applied).add(key.key());
        }
        change(mode, callers, BY_ATTACH);
        log.info(
                "attach: applied "
                        + list(applied)
                        + "; unchanged "
                        + list(unchanged)
                        + "; need a JVM restart, NOT applied "
                        + list(restart)
                        + " (only mode, rewrite.callers and jmx.control change at run time)");
    }

    private Settings settings(Mode mode, List<String> callers) {
        CallerScope scope =
                new CallerScope(
                        callers,
                        new CallerScope.Refusals() {
                            @Override
                            public void refused(
                                    String entry,
                                    String libraryClass,
                                    String libraryJar,
                                    String siteClass) {
                                log.info(
                                        "rewrite.callers entry '"
                                                + entry
                                                + "' is refused: it names "
                                                + libraryClass
                                                + ", a class of "
                                                + libraryJar
                                                + ", the library that made an IMDS request for "
                                                + siteClass
                                                + ". A library"
                                                + " sends requests to whatever URL it is given, so trusting it would hand the IMDSv2 token to"
                                                + " every caller, a request forged through an SSRF flaw included; a call site is never a"
                                                + " library's class, so this entry admits nothing. Name instead the application code that"
                                                + " calls the library, if that code is trusted and reads only IMDS, here "
                                                + CallerScope.suggestion(siteClass));
                            }
                        });
        RequestPolicy policy;
        switch (mode) {
            case REWRITE:
                if (scope.everyCaller()) {
                    log.info(
                            "WARNING: rewrite.callers=* rewrites v1 calls from ANY code, including a request an"
                                    + " attacker forges through an SSRF flaw: it hands them the IMDSv2 token and reopens the"
                                    + " hole IMDSv2 closes. Prefer the call sites named in report mode.");
                }
                policy = new RewritePolicy(scope, tokens.get());
                break;
            case ENFORCE:
                policy = new EnforcePolicy();
                break;
            default:
                policy = new ReportPolicy();
        }
        return new Settings(mode, scope, policy);
    }

    private static String list(List<String> keys) {
        if (keys.isEmpty()) {
            return "(none)";
        }
        StringBuilder text = new StringBuilder();
        for (String key : keys) {
            text.append(text.length() > 0 ? ", " : "").append(key);
        }
        return text.toString();
    }

    static String join(List<String> parts) {
        StringBuilder text = new StringBuilder();
        for (String part : parts) {
            text.append(text.length() > 0 ? ";" : "").append(part);
        }
        return text.toString();
    }

    private static final class Settings {
        final Mode mode;
        final CallerScope scope;
        final RequestPolicy policy;

        Settings(Mode mode, CallerScope scope, RequestPolicy policy) {
            this.mode = mode;
            this.scope = scope;
            this.policy = policy;
        }
    }
}
