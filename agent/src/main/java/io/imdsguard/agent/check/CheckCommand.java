package io.imdsguard.agent.check;

import io.imdsguard.agent.command.Command;
import io.imdsguard.agent.command.CommandArguments;
import io.imdsguard.agent.environment.RuntimeInfo;
import io.imdsguard.agent.log.SafeFiles;
import io.imdsguard.agent.log.Sanitizer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.text.SimpleDateFormat;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.TimeZone;

/**
 * {@code check REPORT.json|DIR...}: merges the JSON reports of many JVMs and says whether the fleet
 * is ready for {@code HttpTokens=required}. Exit 0 ready, 1 not ready (IMDSv1 calls seen, blocked
 * ones included), 2 wrong arguments or an input that is not a readable report.
 */
public final class CheckCommand implements Command {

    public static final int READY = 0;
    public static final int NOT_READY = 1;

    @Override
    public String usage() {
        return "check [--format text|junit] [--output FILE] [--html FILE] REPORT.json|DIRECTORY...\n"
                + "    Reads imds-guard JSON reports (a directory: every *.json in it), merges them and prints\n"
                + "    READY or NOT READY with every IMDSv1 call site by service. --format junit writes JUnit\n"
                + "    XML (to --output FILE, or standard output) with one failed test per call site; --html\n"
                + "    writes a self-contained HTML report. Exit 0 ready, 1 IMDSv1 calls seen, 2 bad input.";
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) {
        CommandArguments arguments;
        try {
            arguments = CommandArguments.parse(args, "--format", "--output", "--html");
        } catch (IllegalArgumentException e) {
            return usageError(err, e.getMessage());
        }
        if (arguments.helpAsked()) {
            out.println("usage: java -jar imds-guard-agent.jar " + usage());
            return 0;
        }
        String format = arguments.option("--format", "text");
        if (!format.equals("text") && !format.equals("junit")) {
            return usageError(err, "--format accepts text or junit, not '" + format + "'");
        }
        String output = arguments.option("--output", null);
        String html = arguments.option("--html", null);
        List<String> inputs = arguments.operands();
        if (inputs.isEmpty()) {
            return usageError(err, "name at least one report file or directory");
        }

        List<String> problems = new ArrayList<String>();
        List<Path> files = expand(inputs, problems);
        List<LoadedReport> reports = new ArrayList<LoadedReport>();
        for (Path file : files) {
            try {
                reports.add(ReportLoader.load(file));
            } catch (InvalidReportException e) {
                problems.add(file + ": " + e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            for (String problem : problems) {
                err.println("imds-guard check: " + Sanitizer.forLog(problem, 1000));
            }
            err.println(
                    "imds-guard check: no verdict, "
                            + problems.size()
                            + " input(s) could not be read");
            return Command.USAGE_OR_INPUT_ERROR;
        }

        Readiness readiness = new Readiness(reports);
        String text = TextVerdict.render(readiness);
        boolean stdoutIsXml = format.equals("junit") && output == null;
        try {
            if (format.equals("junit")) {
                String xml = JunitReport.render(readiness);
                if (output == null) {
                    out.print(xml);
                } else {
                    SafeFiles.replaceText(output, xml);
                }
            } else if (output != null) {
                SafeFiles.replaceText(output, text);
            }
            if (html != null) {
                SafeFiles.replaceText(
                        html, HtmlReport.render(readiness, RuntimeInfo.readAgentVersion(), now()));
            }
        } catch (IOException e) {
            err.println("imds-guard check: cannot write " + Sanitizer.forLog(e.getMessage(), 500));
            return Command.USAGE_OR_INPUT_ERROR;
        }
        PrintStream human = stdoutIsXml ? err : out;
        if (stdoutIsXml || (output != null && format.equals("text"))) {
            human.println("summary: " + TextVerdict.verdictLine(readiness));
        } else {
            human.print(text);
        }
        if (output != null) {
            human.println((format.equals("junit") ? "JUnit XML: " : "text: ") + output);
        }
        if (html != null) {
            human.println("HTML report: " + html);
        }
        return readiness.ready() ? READY : NOT_READY;
    }

    /** Files as named, and every {@code *.json} of a directory, sorted, so the output is stable. */
    private static List<Path> expand(List<String> inputs, List<String> problems) {
        List<Path> files = new ArrayList<Path>();
        for (String input : inputs) {
            Path path = Paths.get(input);
            if (!Files.isDirectory(path)) {
                files.add(path);
                continue;
            }
            List<Path> found = new ArrayList<Path>();
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(path, "*.json")) {
                for (Path entry : entries) {
                    if (Files.isRegularFile(entry)) {
                        found.add(entry);
                    }
                }
            } catch (IOException e) {
                problems.add(input + ": cannot list the directory: " + e.getMessage());
                continue;
            }
            if (found.isEmpty()) {
                problems.add(input + ": no *.json report in this directory");
            }
            Collections.sort(found);
            files.addAll(found);
        }
        return files;
    }

    private int usageError(PrintStream err, String problem) {
        err.println("imds-guard check: " + Sanitizer.forLog(problem, 300));
        err.println("usage: java -jar imds-guard-agent.jar " + usage());
        return Command.USAGE_OR_INPUT_ERROR;
    }

    private static String now() {
        SimpleDateFormat format = new SimpleDateFormat("yyyy-MM-dd'T'HH:mm:ss'Z'", Locale.ROOT);
        format.setTimeZone(TimeZone.getTimeZone("UTC"));
        return format.format(new Date());
    }
}
