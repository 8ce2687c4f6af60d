package io.imdsguard.agent.cli;

import java.io.File;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

/**
 * What Linux's /proc says about a pid before anything is sent to it. The attach API signals the
 * target (SIGQUIT) and then waits 10 s for an answer: a process that is not a JVM would at best
 * stall the command, and one that does not catch the signal could be killed by it.
 */
final class TargetProcess {

    private static final int SIGQUIT = 3;

    private final File proc;

    private TargetProcess(File proc) {
        this.proc = proc;
    }

    /**
     * The process's /proc entry, or null where there is no /proc (not Linux): then nothing is
     * checked.
     */
    static TargetProcess of(String pid) {
        File procRoot = new File("/proc/self");
        return procRoot.exists() ? new TargetProcess(new File("/proc", pid)) : null;
    }

    boolean exists() {
        return proc.isDirectory();
    }

    /** The command name (comm), or "?" when it cannot be read. */
    String name() {
        try {
            return new String(
                            Files.readAllBytes(new File(proc, "comm").toPath()),
                            Charset.forName("UTF-8"))
                    .trim();
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    /**
     * Whether the process runs a JVM: its memory maps hold libjvm. Null when that cannot be told
     * (maps unreadable, another user's process), so that the other checks and the attach API
     * decide.
     */
    Boolean runsJvm() {
        try {
            for (String line :
                    Files.readAllLines(
                            new File(proc, "maps").toPath(), Charset.forName("ISO-8859-1"))) {
                if (line.endsWith("/libjvm.so")) {
                    return Boolean.TRUE;
                }
            }
            return Boolean.FALSE;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The pids of this process's children that run a JVM (a wrapper's JVM). */
    List<String> jvmChildren() {
        List<String> jvms = new ArrayList<String>();
        File[] tasks = new File(proc, "task").listFiles();
        if (tasks == null) {
            return jvms;
        }
        for (File task : tasks) {
            try {
                String children =
                        new String(
                                        Files.readAllBytes(new File(task, "children").toPath()),
                                        Charset.forName("ISO-8859-1"))
                                .trim();
                for (String child : children.isEmpty() ? new String[0] : children.split("\\s+")) {
                    if (new TargetProcess(new File(proc.getParentFile(), child)).runsJvm()
                            == Boolean.TRUE) {
                        jvms.add(child);
                    }
                }
            } catch (IOException | RuntimeException e) {
                // a thread that ended, or no children file (kernel without it): nothing found there
            }
        }
        return jvms;
    }

    /**
     * Whether the process catches SIGQUIT, as every attachable HotSpot JVM does; true when it
     * cannot be told, so that the attach API decides.
     */
    boolean catchesAttachSignal() {
        try {
            List<String> status =
                    Files.readAllLines(new File(proc, "status").toPath(), Charset.forName("UTF-8"));
            for (String line : status) {
                if (line.startsWith("SigCgt:")) {
                    return new BigInteger(line.substring("SigCgt:".length()).trim(), 16)
                            .testBit(SIGQUIT - 1);
                }
            }
        } catch (IOException | RuntimeException e) {
            // unreadable: let the attach API try
        }
        return true;
    }
}
