package io.imdsguard.agent;

import io.imdsguard.agent.instrument.ClientClassWatch;
import io.imdsguard.agent.instrument.ClientSetup;
import io.imdsguard.agent.log.AgentLog;
import java.lang.instrument.Instrumentation;

/**
 * One start of the agent. From premain it runs on a thread of its own: reading the configuration,
 * the environment and {@code /proc}, and setting up the log, counters and report loads about 75
 * classes, tens of milliseconds that the application's {@code main} need not wait for. What must
 * not miss anything is registered before that thread starts: the watch for HTTP client classes,
 * whose first class waits for the start to finish before it is woven, and the exit hook, which
 * waits for it before writing the report.
 */
final class AgentStart implements Runnable, ClientSetup.Source {

    /**
     * How long the loading of the first HTTP client class waits for the start, which takes tens of
     * ms.
     */
    private static final long CLIENT_WAIT_MILLIS = 10_000;

    /** How long the JVM's exit waits for a start still running. */
    private static final long EXIT_WAIT_MILLIS = 5_000;

    private final String arguments;
    private final Instrumentation instrumentation;
    private final boolean attached;

    /** Registered before the start runs from premain, after it when attached. */
    private ClientClassWatch clients;

    /** The thread running {@link #run}; it must never wait for itself. */
    private volatile Thread starter;

    /** Guarded by this. */
    private boolean finished;

    private boolean failed;
    private boolean toldNotStarted;
    private AgentRuntime runtime;

    private AgentStart(String arguments, Instrumentation instrumentation, boolean attached) {
        this.arguments = arguments;
        this.instrumentation = instrumentation;
        this.attached = attached;
    }

    /** -javaagent: the start runs beside the application's own start-up. */
    static AgentStart inBackground(String arguments, Instrumentation instrumentation) {
        AgentLog.keepStandardError();
        AgentStart start = new AgentStart(arguments, instrumentation, false);
        start.addExitHook();
        start.clients = ClientClassWatch.register(instrumentation, start);
        Thread thread = new Thread(start, "imds-guard-start");
        thread.setDaemon(true);
        start.starter = thread;
        thread.start();
        return start;
    }

    /**
     * Attached to a running JVM: the start runs on the attach thread, so the attach command reports
     * its outcome, and the client classes already loaded are woven right after.
     */
    static AgentStart now(String arguments, Instrumentation instrumentation) {
        AgentStart start = new AgentStart(arguments, instrumentation, true);
        start.addExitHook();
        start.starter = Thread.currentThread();
        start.run();
        if (start.awaitRuntime(0) != null) {
            start.clients = ClientClassWatch.register(instrumentation, start);
            start.clients.weaveLoaded();
        }
        return start;
    }

    @Override
    public void run() {
        AgentRuntime started = null;
        boolean threw = false;
        try {
            // Null when the configuration was bad: the errors are said, and the agent stays off.
            started = AgentRuntime.start(arguments, instrumentation, attached);
        } catch (Throwable t) {
            threw = true;
            // Whatever happens, the application must run as if the agent were not there.
            AgentLog.standardError()
                    .println(
                            "[imds-guard] failed to start; the application runs without imds-guard: "
                                    + t);
        } finally {
            finish(started, threw);
        }
        if (started != null && clients != null) {
            try {
                // After finish: weaving a class waits for the start, and must not wait for itself.
                clients.weaveLoaded();
            } catch (Throwable t) {
                AgentLog.standardError()
                        .println(
                                "[imds-guard] could not instrument the HTTP client classes loaded before it "
                                        + "started (their requests are not seen; the application is unaffected): "
                                        + t);
            }
        }
    }

    private synchronized void finish(AgentRuntime started, boolean threw) {
        runtime = started;
        failed = threw;
        finished = true;
        starter = null;
        notifyAll();
    }

    /**
     * @return the running agent, or null when it is off or not started within {@code millis}
     */
    synchronized AgentRuntime awaitRuntime(long millis) {
        if (Thread.currentThread() == starter) {
            return null;
        }
        long deadline = System.nanoTime() + millis * 1_000_000L;
        boolean interrupted = false;
        while (!finished) {
            long left = (deadline - System.nanoTime()) / 1_000_000L;
            if (left <= 0) {
                break;
            }
            try {
                wait(left);
            } catch (InterruptedException e) {
                // The application's interrupt is not for the agent: keep it for the application.
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return runtime;
    }

    synchronized boolean finished() {
        return finished;
    }

    /**
     * The start threw: instrumentation may be half set up, so it is never tried again in this JVM.
     */
    synchronized boolean failed() {
        return failed;
    }

    @Override
    public ClientSetup await() {
        AgentRuntime running = awaitRuntime(CLIENT_WAIT_MILLIS);
        if (running == null) {
            if (Thread.currentThread() != starter && tellNotStartedOnce()) {
                AgentLog.standardError()
                        .println(
                                "[imds-guard] the agent had not started after "
                                        + CLIENT_WAIT_MILLIS / 1000
                                        + " s; HTTP client classes loaded meanwhile are not instrumented");
            }
            return null;
        }
        return running.clientSetup();
    }

    /** Every client class loaded while the start hangs waits in vain: the user hears of it once. */
    private synchronized boolean tellNotStartedOnce() {
        if (finished || toldNotStarted) {
            return false;
        }
        toldNotStarted = true;
        return true;
    }

    private void addExitHook() {
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(
                                new Runnable() {
                                    @Override
                                    public void run() {
                                        AgentRuntime running = awaitRuntime(EXIT_WAIT_MILLIS);
                                        if (running != null) {
                                            running.atExit();
                                        }
                                    }
                                },
                                "imds-guard-exit"));
    }
}
