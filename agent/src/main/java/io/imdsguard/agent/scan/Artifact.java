package io.imdsguard.agent.scan;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one archive (or folder of classes) held, as it was read: the input of {@link
 * ArtifactAssessor}.
 */
final class Artifact {

    /**
     * Where it is, nesting included: {@code app.jar!/BOOT-INF/lib/aws-java-sdk-core-1.11.500.jar}.
     */
    final String path;

    /** The last part of the path, e.g. {@code aws-java-sdk-core-1.11.500.jar}. */
    final String fileName;

    final boolean folder;

    /**
     * Every {@code META-INF/maven/**}{@code /pom.properties}, by entry name; a shaded jar has
     * several.
     */
    final Map<String, Coordinates> poms = new LinkedHashMap<String, Coordinates>();

    Coordinates manifest;
    final List<ClassFinding> classes = new ArrayList<ClassFinding>();

    /** Marker classes of the library table found here, by their full (maybe relocated) name. */
    final Map<String, LibraryTable.Row> markers = new LinkedHashMap<String, LibraryTable.Row>();

    int classCount;

    Artifact(String path, String fileName, boolean folder) {
        this.path = path;
        this.fileName = fileName;
        this.folder = folder;
    }

    /**
     * Its own coordinates: the pom.properties whose artifactId starts its file name, else the only
     * one, else the manifest's, else the file name's.
     */
    Coordinates coordinates() {
        for (Coordinates pom : poms.values()) {
            if (fileName.startsWith(pom.artifactId + "-")
                    || fileName.startsWith(pom.artifactId + ".")) {
                return pom;
            }
        }
        if (poms.size() == 1) {
            return poms.values().iterator().next();
        }
        if (manifest != null) {
            return manifest;
        }
        return Coordinates.fromFileName(fileName);
    }
}
