package io.imdsguard.agent.scan;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The libraries that call IMDS and the first version of each that speaks IMDSv2, read from {@code
 * imds-libraries.tsv} beside this class: one readable file to review and extend.
 */
final class LibraryTable {

    static final String RESOURCE = "imds-libraries.tsv";

    final List<Row> rows;

    LibraryTable(List<Row> rows) {
        this.rows = Collections.unmodifiableList(rows);
    }

    static LibraryTable load() {
        InputStream in = LibraryTable.class.getResourceAsStream(RESOURCE);
        if (in == null) {
            throw new IllegalStateException(RESOURCE + " is missing from the agent jar");
        }
        try {
            return parse(in);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + RESOURCE + ": " + e, e);
        }
    }

    static LibraryTable parse(InputStream in) throws IOException {
        List<Row> rows = new ArrayList<Row>();
        BufferedReader reader =
                new BufferedReader(new InputStreamReader(in, Charset.forName("UTF-8")));
        try {
            String line;
            int number = 0;
            while ((line = reader.readLine()) != null) {
                number++;
                if (line.trim().isEmpty() || line.startsWith("#")) {
                    continue;
                }
                String[] cells = line.split("\t", -1);
                if (cells.length != 8) {
                    throw new IOException(
                            RESOURCE
                                    + " line "
                                    + number
                                    + ": 8 tab-separated columns expected, "
                                    + cells.length
                                    + " found");
                }
                rows.add(
                        new Row(
                                cells[0],
                                cells[1],
                                cells[2],
                                cells[3],
                                cells[4],
                                cells[5].equals("yes"),
                                dash(cells[6]),
                                dash(cells[7])));
            }
        } finally {
            reader.close();
        }
        return new LibraryTable(rows);
    }

    private static String dash(String cell) {
        return cell.equals("-") ? null : cell;
    }

    /** The row of these coordinates: same artifactId, and same groupId when it is known. */
    Row find(Coordinates coordinates) {
        for (Row row : rows) {
            if (row.artifactId.equals(coordinates.artifactId)
                    && (coordinates.groupId == null || row.groupId.equals(coordinates.groupId))) {
                return row;
            }
        }
        return null;
    }

    /** The row whose marker class this is, whatever package prefix a shading put before it. */
    Row findByMarker(String className) {
        for (Row row : rows) {
            if (className.equals(row.marker) || className.endsWith("." + row.marker)) {
                return row;
            }
        }
        return null;
    }

    static final class Row {
        final String groupId;
        final String artifactId;

        /** The package prefix of the library's own classes, e.g. {@code com.amazonaws.}. */
        final String classes;

        final String marker;
        final String firstV2;
        final boolean fallback;
        final String fallbackOff;
        final String fallbackOffSince;

        Row(
                String groupId,
                String artifactId,
                String classes,
                String marker,
                String firstV2,
                boolean fallback,
                String fallbackOff,
                String fallbackOffSince) {
            this.groupId = groupId;
            this.artifactId = artifactId;
            this.classes = classes;
            this.marker = marker;
            this.firstV2 = firstV2;
            this.fallback = fallback;
            this.fallbackOff = fallbackOff;
            this.fallbackOffSince = fallbackOffSince;
        }

        String name() {
            return groupId + ":" + artifactId;
        }

        /** The verdict for this version; null when the version is unknown or not a number. */
        LibraryVerdict verdict(String version) {
            if (!Versions.comparable(version)) {
                return null;
            }
            if (Versions.compare(version, firstV2) < 0) {
                return new LibraryVerdict(
                        this,
                        version,
                        Classification.V1_ONLY,
                        "upgrade "
                                + name()
                                + " "
                                + version
                                + " -> >= "
                                + firstV2
                                + (fallback && fallbackOff != null ? upgradeNote() : ""));
            }
            if (!fallback) {
                return new LibraryVerdict(
                        this,
                        version,
                        Classification.V2,
                        "nothing to change: it only speaks IMDSv2");
            }
            return new LibraryVerdict(
                    this, version, Classification.V2_WITH_V1_FALLBACK, fallbackAdvice(version));
        }

        /** The verdict for a copy whose version is unknown, from what its code showed. */
        LibraryVerdict verdictFromCode(boolean speaksV2, String what) {
            if (!speaksV2) {
                return new LibraryVerdict(
                        this,
                        null,
                        Classification.V1_ONLY,
                        "upgrade the "
                                + name()
                                + " that "
                                + what
                                + " to >= "
                                + firstV2
                                + " (its code requests no token)");
            }
            return new LibraryVerdict(
                    this,
                    null,
                    fallback ? Classification.V2_WITH_V1_FALLBACK : Classification.V2,
                    fallback ? fallbackAdvice(null) : "nothing to change: it only speaks IMDSv2");
        }

        private String upgradeNote() {
            return ", then set " + fallbackOff + " once the service runs clean";
        }

        private String fallbackAdvice(String version) {
            if (fallbackOff == null) {
                return "it falls back to IMDSv1 when the token request fails; upgrade " + name();
            }
            if (fallbackOffSince != null
                    && (version == null || Versions.compare(version, fallbackOffSince) < 0)) {
                return "upgrade "
                        + name()
                        + (version != null ? " " + version : "")
                        + " -> >= "
                        + fallbackOffSince
                        + " and set "
                        + fallbackOff
                        + " once the service runs clean (it falls back to IMDSv1 when"
                        + " the token request fails)";
            }
            return "set "
                    + fallbackOff
                    + " once the service runs clean (it falls back to IMDSv1 when the token"
                    + " request fails)";
        }
    }

    /** What the table says of one library at one version. */
    static final class LibraryVerdict {
        final Row row;

        /** Null when the version was not known (a shaded copy). */
        final String version;

        final Classification classification;
        final String remediation;

        LibraryVerdict(Row row, String version, Classification classification, String remediation) {
            this.row = row;
            this.version = version;
            this.classification = classification;
            this.remediation = remediation;
        }
    }
}
