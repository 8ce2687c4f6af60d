package io.imdsguard.agent.check;

import io.imdsguard.agent.log.Sanitizer;
import io.imdsguard.agent.report.ReportJson;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a report file and checks it against the schema ({@code imds-guard-report}, version {@link
 * ReportJson#SCHEMA_VERSION}). Fields this version does not know are ignored (later versions only
 * add fields); a missing or mistyped field it needs is an error naming the field.
 */
final class ReportLoader {

    /**
     * Real reports are kilobytes; this is far beyond any, and keeps a wrong file from filling
     * memory.
     */
    static final long MAX_BYTES = 64L * 1024 * 1024;

    private ReportLoader() {}

    static LoadedReport load(Path file) throws InvalidReportException {
        return parse(file.toString(), read(file));
    }

    /** A report held in memory, {@code name} standing for its file in messages and the verdict. */
    static LoadedReport parse(String name, String text) throws InvalidReportException {
        if (text.trim().isEmpty()) {
            throw new InvalidReportException(
                    "empty file; a report is written at the latest when its JVM exits");
        }
        Object parsed;
        try {
            parsed = JsonReader.parse(text);
        } catch (JsonReader.SyntaxException e) {
            throw new InvalidReportException("not valid JSON: " + e.getMessage());
        }
        if (!(parsed instanceof Map)) {
            throw new InvalidReportException("not an imds-guard report: the JSON is not an object");
        }
        Fields root = new Fields((Map<?, ?>) parsed, "");
        Object schema = root.map.get("schema");
        if (!ReportJson.SCHEMA.equals(schema)) {
            throw new InvalidReportException(
                    "not an imds-guard report: "
                            + (schema == null
                                    ? "it has no \"schema\" field"
                                    : "its \"schema\" is " + quoted(schema))
                            + " where \""
                            + ReportJson.SCHEMA
                            + "\" was expected");
        }
        long version = root.integer("schemaVersion");
        if (version > ReportJson.SCHEMA_VERSION) {
            String agent =
                    root.map.get("agentVersion") instanceof String
                            ? Sanitizer.forLog((String) root.map.get("agentVersion"), 40)
                            : null;
            throw new InvalidReportException(
                    "written by a newer imds-guard (schemaVersion "
                            + version
                            + (agent != null ? ", agent " + agent : "")
                            + "; this check reads schemaVersion "
                            + ReportJson.SCHEMA_VERSION
                            + "); use version "
                            + (agent != null ? agent : "that wrote it")
                            + " or later to check it");
        }
        if (version < 1) {
            throw new InvalidReportException(
                    "invalid report: schemaVersion " + version + " does not exist");
        }
        Fields totals = root.object("totals");
        List<LoadedReport.SiteEntry> sites = new ArrayList<LoadedReport.SiteEntry>();
        List<?> siteList = root.array("callSites");
        for (int i = 0; i < siteList.size(); i++) {
            sites.add(site(root.element(siteList, i, "callSites")));
        }
        List<LoadedReport.DiagnosisEntry> diagnoses = new ArrayList<LoadedReport.DiagnosisEntry>();
        if (root.map.get("diagnoses") != null) {
            List<?> list = root.array("diagnoses");
            for (int i = 0; i < list.size(); i++) {
                diagnoses.add(diagnosis(root.element(list, i, "diagnoses")));
            }
        }
        return new LoadedReport(
                name,
                root.optionalString("agentVersion", "?"),
                root.string("service"),
                root.optionalString("host", "unknown"),
                root.map.get("pid") instanceof Long ? (Long) root.map.get("pid") : -1L,
                root.optionalString("container", null),
                root.optionalString("pod", null),
                root.optionalString("namespace", null),
                root.optionalString("mode", "report"),
                root.optionalString("writtenAt", "?"),
                totals.integer("v1"),
                totals.optionalInteger("v2", 0),
                totals.optionalInteger("token", 0),
                totals.optionalInteger("v1Unattributed", 0),
                totals.optionalInteger("blocked", 0),
                sites,
                diagnoses);
    }

    private static LoadedReport.SiteEntry site(Fields site) throws InvalidReportException {
        Map<String, Long> actions = new LinkedHashMap<String, Long>();
        if (site.map.get("actions") != null) {
            Fields taken = site.object("actions");
            for (Object key : taken.map.keySet()) {
                actions.put((String) key, taken.integer((String) key));
            }
        }
        List<String> stack = new ArrayList<String>();
        if (site.map.get("stack") != null) {
            List<?> frames = site.array("stack");
            for (int i = 0; i < frames.size(); i++) {
                if (!(frames.get(i) instanceof String)) {
                    throw new InvalidReportException(
                            "invalid report: " + site.path + "stack[" + i + "] is not a string");
                }
                stack.add((String) frames.get(i));
            }
        }
        String client = site.optionalString("client", "?");
        String method = site.optionalString("method", "?");
        String frame = site.string("site");
        return new LoadedReport.SiteEntry(
                site.optionalString("id", client + " " + method + " " + frame),
                client,
                method,
                site.optionalString("pathCategory", "?"),
                site.optionalString("examplePath", ""),
                frame,
                site.optionalString("thread", "?"),
                site.integer("count"),
                actions,
                site.optionalString("lastReason", "none"),
                site.optionalString("firstSeen", "?"),
                site.optionalString("lastSeen", "?"),
                Collections.unmodifiableList(stack),
                origin(site),
                loadedFrom(site));
    }

    /**
     * The archive fields of a run-time site; null for a static site, or a report written before
     * they existed.
     */
    private static LoadedReport.LoadedFrom loadedFrom(Fields site) throws InvalidReportException {
        if ("static".equals(site.map.get("source"))) {
            return null;
        }
        String archive = site.optionalString("archive", null);
        if (archive == null) {
            return null;
        }
        return new LoadedReport.LoadedFrom(
                archive,
                site.optionalString("coordinates", null),
                site.optionalString("coordinatesFrom", null),
                site.optionalString("remediation", null));
    }

    /** The fields {@code scan} adds to a call site it found; null for a site seen at run time. */
    private static LoadedReport.StaticOrigin origin(Fields site) throws InvalidReportException {
        if (!"static".equals(site.map.get("source"))) {
            return null;
        }
        return new LoadedReport.StaticOrigin(
                site.optionalString("archive", "?"),
                site.optionalString("coordinates", "?"),
                site.optionalString("library", null),
                site.optionalString("remediation", ""));
    }

    private static LoadedReport.DiagnosisEntry diagnosis(Fields d) throws InvalidReportException {
        Object ratio = d.map.get("tokensPerRead");
        if (ratio != null && !(ratio instanceof Number)) {
            throw new InvalidReportException(
                    "invalid report: " + d.path + "tokensPerRead is not a number");
        }
        return new LoadedReport.DiagnosisEntry(
                d.string("kind"),
                d.optionalString("site", "?"),
                d.optionalString("client", "?"),
                d.optionalInteger("count", 0),
                d.optionalInteger("tokens", 0),
                d.optionalInteger("reads", 0),
                ratio == null ? null : ((Number) ratio).doubleValue(),
                d.optionalString("advice", ""));
    }

    private static String read(Path file) throws InvalidReportException {
        try {
            if (Files.isDirectory(file)) {
                throw new InvalidReportException("is a directory with no reports");
            }
            if (Files.size(file) > MAX_BYTES) {
                throw new InvalidReportException(
                        "larger than " + (MAX_BYTES >> 20) + " MB; not a report");
            }
            byte[] bytes = Files.readAllBytes(file);
            return Charset.forName("UTF-8")
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (NoSuchFileException e) {
            throw new InvalidReportException("no such file");
        } catch (CharacterCodingException e) {
            throw new InvalidReportException("not a report: not UTF-8 text");
        } catch (IOException e) {
            throw new InvalidReportException(
                    "cannot be read: "
                            + e.getClass().getSimpleName()
                            + (e.getMessage() != null ? " " + e.getMessage() : ""));
        }
    }

    private static String quoted(Object value) {
        String text = value instanceof String ? "\"" + value + "\"" : String.valueOf(value);
        return Sanitizer.forLog(text, 60);
    }

    /** Typed access to a JSON object's members, with errors that name the member's path. */
    private static final class Fields {
        final Map<?, ?> map;
        final String path;

        Fields(Map<?, ?> map, String path) {
            this.map = map;
            this.path = path;
        }

        private InvalidReportException wrong(String name, String what) {
            return new InvalidReportException("invalid report: " + path + name + " " + what);
        }

        String string(String name) throws InvalidReportException {
            Object value = map.get(name);
            if (value == null) {
                throw wrong(name, "is missing");
            }
            if (!(value instanceof String)) {
                throw wrong(name, "is not a string");
            }
            return (String) value;
        }

        String optionalString(String name, String absent) throws InvalidReportException {
            return map.get(name) == null ? absent : string(name);
        }

        long integer(String name) throws InvalidReportException {
            Object value = map.get(name);
            if (value == null) {
                throw wrong(name, "is missing");
            }
            if (!(value instanceof Long)) {
                throw wrong(name, "is not a whole number");
            }
            long number = (Long) value;
            if (number < 0) {
                throw wrong(name, "is negative");
            }
            return number;
        }

        long optionalInteger(String name, long absent) throws InvalidReportException {
            return map.get(name) == null ? absent : integer(name);
        }

        Fields object(String name) throws InvalidReportException {
            Object value = map.get(name);
            if (value == null) {
                throw wrong(name, "is missing");
            }
            if (!(value instanceof Map)) {
                throw wrong(name, "is not an object");
            }
            return new Fields((Map<?, ?>) value, path + name + ".");
        }

        List<?> array(String name) throws InvalidReportException {
            Object value = map.get(name);
            if (value == null) {
                throw wrong(name, "is missing");
            }
            if (!(value instanceof List)) {
                throw wrong(name, "is not an array");
            }
            return (List<?>) value;
        }

        Fields element(List<?> list, int index, String name) throws InvalidReportException {
            Object value = list.get(index);
            if (!(value instanceof Map)) {
                throw wrong(name + "[" + index + "]", "is not an object");
            }
            return new Fields((Map<?, ?>) value, path + name + "[" + index + "].");
        }
    }
}
