package io.imdsguard.agent.scan;

import io.imdsguard.agent.check.VerdictFormats;
import io.imdsguard.agent.command.Command;
import io.imdsguard.agent.command.CommandArguments;
import io.imdsguard.agent.environment.RuntimeInfo;
import io.imdsguard.agent.log.SafeFiles;
import io.imdsguard.agent.log.Sanitizer;
import io.imdsguard.agent.report.Json;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code scan [--json FILE] [--format text|junit] [--output FILE] [--html FILE] [--service NAME]
 * PATH...}: finds the IMDSv1 callers in jars, fat jars, WARs, EARs and folders of classes without
 * running them. Exit 0 none found, 1 IMDSv1 callers found, 2 wrong arguments or an input that could
 * not be read (the scan still reads all the others).
 */
public final class ScanCommand implements Command {

    public static final int NOTHING_TO_FIX = 0;
    public static final int V1_CALLERS = 1;

    private final boolean terminal;

    public ScanCommand() {
        this(System.console() != null);
    }

    ScanCommand(boolean terminal) {
        this.terminal = terminal;
    }

    @Override
    public String usage() {
        return "scan [--json FILE] [--format text|junit] [--output FILE] [--html FILE] [--service NAME]\n"
                + "     JAR|WAR|EAR|CLASS|DIRECTORY...\n"
                + "    Finds the code that calls IMDSv1 in archives (nested ones too) and folders of classes,\n"
                + "    without running it, and the AWS SDK versions that do. Prints them by artifact; --json\n"
                + "    writes them as a report that check merges with the agent's (service NAME, default the\n"
                + "    first input's name). --format junit writes JUnit XML (to --output FILE, or standard\n"
                + "    output) and --html a self-contained page, both as check writes them for that report.\n"
                + "    Exit 0 nothing to fix, 1 IMDSv1 callers found, 2 bad input.";
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) {
        CommandArguments arguments;
        try {
            arguments =
                    CommandArguments.parse(
                            args, "--json", "--service", "--format", "--output", "--html");
        } catch (IllegalArgumentException e) {
            return usageError(err, e.getMessage());
        }
        if (arguments.helpAsked()) {
            out.println("usage: java -jar imds-guard-agent.jar " + usage());
            return 0;
        }
        String json = arguments.option("--json", null);
        String service = arguments.option("--service", null);
        String format = arguments.option("--format", "text");
        if (!format.equals("text") && !format.equals("junit")) {
            return usageError(err, "--format accepts text or junit, not '" + format + "'");
        }
        String output = arguments.option("--output", null);
        String html = arguments.option("--html", null);
        List<Path> inputs = new ArrayList<Path>();
        for (String operand : arguments.operands()) {
            inputs.add(Paths.get(operand));
        }
        if (inputs.isEmpty()) {
            return usageError(err, "name at least one jar, war, ear, class file or directory");
        }

        ScanProgress progress = new ScanProgress(err, terminal);
        ScanResult result = new ArchiveWalker(LibraryTable.load(), progress).scan(inputs);
        progress.done();
        for (String problem : result.problems) {
            err.println("imds-guard scan: " + Sanitizer.forLog(problem, 1000));
        }
        String text = ScanText.render(result);
        boolean stdoutIsXml = format.equals("junit") && output == null;
        PrintStream human = stdoutIsXml ? err : out;
        try {
            long now = System.currentTimeMillis();
            String report = null;
            if (json != null || format.equals("junit") || html != null) {
                RuntimeInfo runtime =
                        RuntimeInfo.current(
                                service != null ? service : defaultService(inputs.get(0)));
                report = ScanJson.render(result, runtime, now);
            }
            // JUnit and HTML are check's renderings of the scan's own report: one verdict, two
            // commands
            VerdictFormats verdict =
                    report == null ? null : VerdictFormats.of(json != null ? json : "scan", report);
            if (format.equals("junit")) {
                if (output == null) {
                    out.print(verdict.junit());
                } else {
                    SafeFiles.replaceText(output, verdict.junit());
                }
            } else if (output != null) {
                SafeFiles.replaceText(output, text);
            }
            if (html != null) {
                SafeFiles.replaceText(
                        html, verdict.html(RuntimeInfo.readAgentVersion(), Json.instant(now)));
            }
            if (json != null) {
                SafeFiles.replaceText(json, report);
            }
        } catch (IOException e) {
            err.println("imds-guard scan: cannot write " + Sanitizer.forLog(e.getMessage(), 500));
            return Command.USAGE_OR_INPUT_ERROR;
        }
        if (output == null && !stdoutIsXml) {
            human.print(text);
        } else {
            human.println("summary: " + ScanText.verdictLine(result));
        }
        if (output != null) {
            human.println((format.equals("junit") ? "JUnit XML: " : "text: ") + output);
        }
        if (html != null) {
            human.println("HTML report: " + html);
        }
        if (json != null) {
            human.println("JSON report: " + json);
        }
        err.println(
                "imds-guard scan: "
                        + result.archives
                        + " archive(s), "
                        + result.classes
                        + " class(es), "
                        + result.findings.size()
                        + " finding(s), "
                        + result.problems.size()
                        + " problem(s) in "
                        + result.seconds()
                        + " s");
        if (!result.problems.isEmpty()) {
            return Command.USAGE_OR_INPUT_ERROR;
        }
        return result.v1Found() ? V1_CALLERS : NOTHING_TO_FIX;
    }

    /**
     * {@code billing-1.4.2.jar} is service {@code billing}, as the agent names a {@code java -jar}
     * service.
     */
    static String defaultService(Path input) {
        Path name = input.toAbsolutePath().normalize().getFileName();
        if (name == null) {
            return "scan";
        }
        Coordinates guessed = Coordinates.fromFileName(name.toString());
        return guessed.artifactId.isEmpty() ? "scan" : guessed.artifactId;
    }

    private int usageError(PrintStream err, String problem) {
        err.println("imds-guard scan: " + Sanitizer.forLog(problem, 300));
        err.println("usage: java -jar imds-guard-agent.jar " + usage());
        return Command.USAGE_OR_INPUT_ERROR;
    }
}
