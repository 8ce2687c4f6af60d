package io.imdsguard.agent.scan;

import java.util.Properties;
import java.util.jar.Attributes;
import java.util.jar.Manifest;

/**
 * An archive's Maven coordinates, and where they were read: a scan must say when it guessed them.
 */
final class Coordinates {

    static final String FROM_POM = "pom.properties";
    static final String FROM_MANIFEST = "manifest";
    static final String FROM_FILE_NAME = "file name";

    /** Null when only the file name was known. */
    final String groupId;

    final String artifactId;

    /** Null when unknown. */
    final String version;

    final String from;

    Coordinates(String groupId, String artifactId, String version, String from) {
        this.groupId = groupId;
        this.artifactId = artifactId;
        this.version = version;
        this.from = from;
    }

    /**
     * From {@code META-INF/maven/<group>/<artifact>/pom.properties}; null without an artifactId.
     */
    static Coordinates fromPom(Properties pom) {
        String artifact = trimmed(pom.getProperty("artifactId"));
        if (artifact == null) {
            return null;
        }
        return new Coordinates(
                trimmed(pom.getProperty("groupId")),
                artifact,
                trimmed(pom.getProperty("version")),
                FROM_POM);
    }

    /** From Implementation-Title/-Version, else Bundle-SymbolicName/-Version; null with neither. */
    static Coordinates fromManifest(Manifest manifest) {
        Attributes main = manifest.getMainAttributes();
        String title = trimmed(main.getValue("Implementation-Title"));
        String version = trimmed(main.getValue("Implementation-Version"));
        if (title == null) {
            title = trimmed(main.getValue("Bundle-SymbolicName"));
            if (title != null && title.indexOf(';') > 0) {
                title = title.substring(0, title.indexOf(';')).trim();
            }
            version = trimmed(main.getValue("Bundle-Version"));
        }
        if (title == null) {
            return null;
        }
        String vendor = trimmed(main.getValue("Implementation-Vendor-Id"));
        return new Coordinates(vendor, title, version, FROM_MANIFEST);
    }

    /**
     * {@code aws-java-sdk-core-1.11.500.jar}: the version starts at the first {@code -} followed by
     * a digit.
     */
    static Coordinates fromFileName(String fileName) {
        String base = fileName;
        int dot = base.lastIndexOf('.');
        if (dot > 0) {
            base = base.substring(0, dot);
        }
        for (int i = 1; i < base.length() - 1; i++) {
            if (base.charAt(i) == '-' && Character.isDigit(base.charAt(i + 1))) {
                return new Coordinates(
                        null, base.substring(0, i), base.substring(i + 1), FROM_FILE_NAME);
            }
        }
        return new Coordinates(null, base, null, FROM_FILE_NAME);
    }

    private static String trimmed(String value) {
        return value == null || value.trim().isEmpty() ? null : value.trim();
    }

    /** {@code group:artifact:version}, with {@code ?} for what is unknown. */
    @Override
    public String toString() {
        return (groupId != null ? groupId + ":" : "")
                + artifactId
                + ":"
                + (version != null ? version : "?");
    }

    /** {@code com.amazonaws:aws-java-sdk-core:1.11.500 (pom.properties)}. */
    String described() {
        return toString() + " (" + from + ")";
    }
}
