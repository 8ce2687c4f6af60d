package io.imdsguard.bench;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;

/** The results as a markdown table (printed and written to results.md) and as results.json. */
final class ResultsReport {

    static final String COMMAND = "mvn -B -Pbench verify";

    private final BenchSettings settings;
    private final List<Result> results;
    private final String machine;
    private final String date = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();

    ResultsReport(BenchSettings settings, List<Result> results) {
        this.settings = settings;
        this.results = results;
        this.machine =
                String.format(
                        Locale.ROOT,
                        "%d cores, %s %s (%s), %s %s, load average %.2f at the end",
                        Runtime.getRuntime().availableProcessors(),
                        System.getProperty("java.vm.vendor"),
                        System.getProperty("java.runtime.version"),
                        System.getProperty("java.vm.name"),
                        System.getProperty("os.name"),
                        System.getProperty("os.arch"),
                        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    void write() throws java.io.IOException {
        Files.writeString(settings.out().resolve("results.md"), markdown(), StandardCharsets.UTF_8);
        Files.writeString(settings.out().resolve("results.json"), json(), StandardCharsets.UTF_8);
    }

    String markdownTable() {
        StringBuilder table = new StringBuilder();
        table.append(
                "| measurement | baseline | median | with | median | ratio | IQR of ratios | n | target | |\n");
        table.append("|---|---|---|---|---|---|---|---|---|---|\n");
        for (Result r : results) {
            table.append("| ")
                    .append(r.section())
                    .append(": ")
                    .append(r.name())
                    .append(" | ")
                    .append(r.baselineLabel())
                    .append(" | ")
                    .append(Result.number(r.baseline()))
                    .append(' ')
                    .append(unit(r))
                    .append(" | ")
                    .append(r.valueLabel())
                    .append(" | ")
                    .append(Result.number(r.value()))
                    .append(' ')
                    .append(unit(r))
                    .append(" | ")
                    .append(r.ratioText())
                    .append(" | ")
                    .append(r.spreadText())
                    .append(" | ")
                    .append(r.samples())
                    .append(" | ")
                    .append(r.target() == null ? "" : r.target())
                    .append(" | ")
                    .append(r.verdict())
                    .append(r.note() == null ? "" : (r.verdict().isEmpty() ? "" : "; ") + r.note())
                    .append(" |\n");
        }
        return table.toString();
    }

    private static String unit(Result r) {
        return Double.isNaN(r.baseline()) && Double.isNaN(r.value()) ? "" : r.unit();
    }

    private String markdown() {
        return "# imds-guard bench results\n\n"
                + "- date: "
                + date
                + "\n"
                + "- machine: "
                + machine
                + "\n"
                + "- command: `"
                + COMMAND
                + "`"
                + (settings.quick() ? " (quick mode: harness check only)" : "")
                + "\n"
                + "- ratio: median of the paired ratios (with / baseline) of interleaved runs; n pairs\n\n"
                + markdownTable();
    }

    private String json() {
        StringBuilder json = new StringBuilder();
        json.append("{\n  \"date\": ")
                .append(quote(date))
                .append(",\n  \"machine\": ")
                .append(quote(machine))
                .append(",\n  \"command\": ")
                .append(quote(COMMAND))
                .append(",\n  \"quick\": ")
                .append(settings.quick())
                .append(",\n  \"results\": [");
        for (int i = 0; i < results.size(); i++) {
            Result r = results.get(i);
            json.append(i == 0 ? "\n" : ",\n")
                    .append("    {")
                    .append("\"section\": ")
                    .append(quote(r.section()))
                    .append(", \"name\": ")
                    .append(quote(r.name()))
                    .append(", \"baselineLabel\": ")
                    .append(quote(r.baselineLabel()))
                    .append(", \"baseline\": ")
                    .append(number(r.baseline()))
                    .append(", \"valueLabel\": ")
                    .append(quote(r.valueLabel()))
                    .append(", \"value\": ")
                    .append(number(r.value()))
                    .append(", \"unit\": ")
                    .append(quote(r.unit()))
                    .append(", \"ratio\": ")
                    .append(number(r.ratio()))
                    .append(", \"ratioQ1\": ")
                    .append(number(r.ratioLow()))
                    .append(", \"ratioQ3\": ")
                    .append(number(r.ratioHigh()))
                    .append(", \"samples\": ")
                    .append(r.samples())
                    .append(", \"target\": ")
                    .append(r.target() == null ? "null" : quote(r.target()))
                    .append(", \"met\": ")
                    .append(r.met())
                    .append(", \"note\": ")
                    .append(r.note() == null ? "null" : quote(r.note()))
                    .append('}');
        }
        json.append("\n  ]\n}\n");
        return json.toString();
    }

    private static String number(double value) {
        return Double.isNaN(value) ? "null" : String.format(Locale.ROOT, "%.4f", value);
    }

    private static String quote(String text) {
        StringBuilder quoted = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            if (c == '"' || c == '\\') {
                quoted.append('\\').append(c);
            } else if (c < 0x20) {
                quoted.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else {
                quoted.append(c);
            }
        }
        return quoted.append('"').toString();
    }
}
