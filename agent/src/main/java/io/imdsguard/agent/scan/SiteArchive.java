package io.imdsguard.agent.scan;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.util.Enumeration;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;

/**
 * The archive a call site's class came from at run time, its Maven coordinates and what the library
 * table says to do about it: the same words {@code scan} prints, for the site the agent saw call.
 * Read once per archive (a site's first sight only) from the jar's entries by name, bounded; any
 * failure leaves out what could not be read, and nothing is ever thrown.
 */
public final class SiteArchive {

    /**
     * Entries looked at for pom.properties: a jar's central directory is in memory, but not without
     * end.
     */
    static final int MAX_ENTRIES = 100000;

    /** pom.properties read at most: a shaded jar has several, each a few lines. */
    static final int MAX_POMS = 64;

    static final int MAX_POM_BYTES = 16 * 1024;
    static final int MAX_ARCHIVE_LENGTH = 512;

    /** Archives remembered: a service loads from a few hundred jars at most. */
    static final int MAX_REMEMBERED = 512;

    private static final ConcurrentMap<String, SiteArchive> REMEMBERED =
            new ConcurrentHashMap<String, SiteArchive>();

    private final String archive;
    private final Coordinates coordinates;
    private final String remediation;

    SiteArchive(String archive, Coordinates coordinates, String remediation) {
        this.archive = archive;
        this.coordinates = coordinates;
        this.remediation = remediation;
    }

    /**
     * The archive at a code source location ({@code file:/lib/x.jar}, {@code file:/app/classes/},
     * {@code jar:file:/app.jar!/BOOT-INF/lib/x.jar!/}); null when there is none or it cannot be
     * told.
     */
    public static SiteArchive of(String location) {
        if (location == null) {
            return null;
        }
        try {
            SiteArchive known = REMEMBERED.get(location);
            if (known != null) {
                return known;
            }
            SiteArchive read = read(location);
            if (read != null && REMEMBERED.size() < MAX_REMEMBERED) {
                REMEMBERED.put(location, read);
            }
            return read;
        } catch (Throwable t) {
            // a broken jar, a loader's odd URL, no table: the site is reported without them
            return null;
        }
    }

    static SiteArchive read(String location) {
        String archive = displayed(location);
        if (archive.isEmpty()) {
            return null;
        }
        File file = localFile(location);
        if (file != null && file.isDirectory()) {
            // classes in a directory are built, not downloaded: they have no coordinates
            return new SiteArchive(archive, null, null);
        }
        String fileName = fileName(archive);
        if (!isArchiveName(fileName)) {
            return new SiteArchive(archive, null, null);
        }
        Artifact artifact = new Artifact(archive, fileName, false);
        if (file != null && file.isFile()) {
            readMetadata(file, artifact);
        } else {
            readNestedMetadata(archive, artifact);
        }
        // else its file name tells the version
        Coordinates coordinates = artifact.coordinates();
        return new SiteArchive(archive, coordinates, remediation(coordinates));
    }

    private static void readMetadata(File file, Artifact artifact) {
        JarFile jar;
        try {
            jar = new JarFile(file, false);
        } catch (IOException | RuntimeException e) {
            return;
        }
        try {
            int seen = 0;
            Enumeration<? extends ZipEntry> entries = jar.entries();
            while (entries.hasMoreElements()
                    && seen++ < MAX_ENTRIES
                    && artifact.poms.size() < MAX_POMS) {
                ZipEntry entry = entries.nextElement();
                String name = entry.getName();
                if (name.startsWith("META-INF/maven/") && name.endsWith("/pom.properties")) {
                    Coordinates pom = pom(jar, entry);
                    if (pom != null) {
                        artifact.poms.put(name, pom);
                    }
                }
            }
            if (artifact.poms.isEmpty()) {
                Manifest manifest = jar.getManifest();
                artifact.manifest = manifest == null ? null : Coordinates.fromManifest(manifest);
            }
        } catch (IOException | RuntimeException e) {
            // what was read so far stands; the file name is the last resort anyway
        } finally {
            try {
                jar.close();
            } catch (IOException ignored) {
                // read only
            }
        }
    }

    /**
     * The pom.properties of a jar stored in a local archive ({@code /app.jar!/BOOT-INF/lib/x.jar},
     * as Spring Boot stores them), read by the two central directories without inflating anything
     * but them; a compressed or deeper-nested jar is named by its file name only.
     */
    private static void readNestedMetadata(String archive, Artifact artifact) {
        String[] parts = archive.split("!/", -1);
        if (parts.length != 2 || !new File(parts[0]).isFile()) {
            return;
        }
        java.nio.channels.FileChannel channel = null;
        try {
            channel =
                    java.nio.channels.FileChannel.open(
                            new File(parts[0]).toPath(), java.nio.file.StandardOpenOption.READ);
            ZipIndex outer = ZipIndex.open(channel, 0, channel.size());
            ZipIndex.Entry nested = outer == null ? null : find(outer, parts[1]);
            if (nested == null || nested.method != ZipIndex.STORED) {
                return;
            }
            ZipIndex inner = ZipIndex.open(channel, outer.dataStart(nested), nested.compressedSize);
            if (inner == null) {
                return;
            }
            int seen = 0;
            ZipIndex.Entry entry;
            while ((entry = inner.next()) != null
                    && seen++ < MAX_ENTRIES
                    && artifact.poms.size() < MAX_POMS) {
                if (entry.name.startsWith("META-INF/maven/")
                        && entry.name.endsWith("/pom.properties")
                        && entry.size <= MAX_POM_BYTES) {
                    Properties properties = new Properties();
                    properties.load(new java.io.ByteArrayInputStream(inner.read(entry)));
                    Coordinates pom = Coordinates.fromPom(properties);
                    if (pom != null) {
                        artifact.poms.put(entry.name, pom);
                    }
                }
            }
            inner.close();
            outer.close();
        } catch (IOException | RuntimeException e) {
            // what was read so far stands; the file name is the last resort anyway
        } finally {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // read only
                }
            }
        }
    }

    private static ZipIndex.Entry find(ZipIndex index, String name) throws IOException {
        int seen = 0;
        ZipIndex.Entry entry;
        while ((entry = index.next()) != null && seen++ < MAX_ENTRIES) {
            if (entry.name.equals(name)) {
                return entry;
            }
        }
        return null;
    }

    private static Coordinates pom(JarFile jar, ZipEntry entry) throws IOException {
        if (entry.getSize() > MAX_POM_BYTES) {
            return null;
        }
        InputStream in = jar.getInputStream(entry);
        try {
            Properties properties = new Properties();
            properties.load(new BoundedStream(in, MAX_POM_BYTES));
            return Coordinates.fromPom(properties);
        } finally {
            in.close();
        }
    }

    private static String remediation(Coordinates coordinates) {
        LibraryTable.Row row = Table.TABLE == null ? null : Table.TABLE.find(coordinates);
        LibraryTable.LibraryVerdict verdict = row == null ? null : row.verdict(coordinates.version);
        // a version that only speaks IMDSv2 has nothing to fix; an unknown version, nothing sure to
        // say
        return verdict == null || verdict.classification == Classification.V2
                ? null
                : verdict.remediation;
    }

    /** The file behind a {@code file:} location; null for a nested jar or another scheme. */
    private static File localFile(String location) {
        if (!location.startsWith("file:")) {
            return null;
        }
        try {
            return new File(new URI(location));
        } catch (Exception e) {
            return null;
        }
    }

    /**
     * The location as a user reads it: no URL scheme, no {@code !/} at the end, no user, password
     * or query a remote class loader's URL might carry, decoded, and escaped like any printed text.
     */
    static String displayed(String location) {
        String text = location;
        for (String scheme :
                new String[] {"jar:", "nested:", "file:", "vfs:", "vfszip:", "wsjar:", "zip:"}) {
            if (text.startsWith(scheme)) {
                text = text.substring(scheme.length());
            }
        }
        int scheme = text.indexOf("://");
        if (scheme >= 0) {
            int hostStart = scheme + 3;
            int hostEnd = text.indexOf('/', hostStart);
            int at = text.lastIndexOf('@', hostEnd < 0 ? text.length() : hostEnd);
            if (at >= hostStart) {
                text = text.substring(0, hostStart) + text.substring(at + 1);
            }
        }
        int query = text.indexOf('?');
        if (query >= 0) {
            text = text.substring(0, query);
        }
        int fragment = text.indexOf('#');
        if (fragment >= 0) {
            text = text.substring(0, fragment);
        }
        text = nestingAsScanned(text);
        while (text.endsWith("!/")
                || text.endsWith("!")
                || (text.endsWith("/") && text.length() > 1)) {
            text = text.substring(0, text.length() - (text.endsWith("!/") ? 2 : 1));
        }
        while (text.startsWith("//")) {
            // file:///tmp/x.jar
            text = text.substring(1);
        }
        try {
            text = URLDecoder.decode(text.replace("+", "%2B"), "UTF-8");
        } catch (Exception e) {
            // kept encoded
        }
        return io.imdsguard.agent.log.Sanitizer.forLog(text, MAX_ARCHIVE_LENGTH);
    }

    /**
     * A nested location in the form {@code scan} names it, {@code /app.jar!/BOOT-INF/lib/x.jar}:
     * Spring Boot 3.2's loader writes {@code /app.jar/!BOOT-INF/lib/x.jar}, the older ones {@code
     * /app.jar!/BOOT-INF/lib/x.jar!/}; and a folder of classes inside an archive ({@code
     * BOOT-INF/classes}, {@code WEB-INF/classes}) or a package in a jar is the archive holding it.
     */
    private static String nestingAsScanned(String location) {
        String text = location.replaceAll("(?i)(\\.(?:jar|war|ear|zip))/!", "$1!/");
        String[] parts = text.split("!/", -1);
        if (parts.length < 2 || !isArchiveName(parts[0])) {
            return text;
        }
        StringBuilder kept = new StringBuilder(parts[0]);
        for (int i = 1; i < parts.length; i++) {
            String part = parts[i];
            while (part.endsWith("/") || part.endsWith("!")) {
                part = part.substring(0, part.length() - 1);
            }
            if (!isArchiveName(part)) {
                break;
            }
            kept.append("!/").append(part);
        }
        return kept.toString();
    }

    private static String fileName(String archive) {
        int slash =
                Math.max(
                        archive.lastIndexOf('/'),
                        Math.max(archive.lastIndexOf('!'), archive.lastIndexOf('\\')));
        return archive.substring(slash + 1);
    }

    private static boolean isArchiveName(String fileName) {
        String lower = fileName.toLowerCase(java.util.Locale.ROOT);
        return lower.endsWith(".jar")
                || lower.endsWith(".zip")
                || lower.endsWith(".war")
                || lower.endsWith(".ear");
    }

    /** Where the site's class came from: a jar's path, or a directory's. */
    public String archive() {
        return archive;
    }

    /** {@code group:artifact:version}, {@code ?} for an unknown part; null for a directory. */
    public String coordinates() {
        return coordinates == null
                ? null
                : io.imdsguard.agent.log.Sanitizer.forLog(coordinates.toString(), 256);
    }

    /**
     * Where the coordinates were read: {@code pom.properties}, {@code manifest} or {@code file
     * name}; null without.
     */
    public String coordinatesFrom() {
        return coordinates == null ? null : coordinates.from;
    }

    /** What to do, when the library table knows this library at this version; else null. */
    public String remediation() {
        return remediation == null
                ? null
                : io.imdsguard.agent.log.Sanitizer.forLog(remediation, 512);
    }

    /**
     * The table, loaded on the first site that needs it; null if it cannot be read (it is in the
     * agent jar).
     */
    private static final class Table {
        static final LibraryTable TABLE = load();

        private static LibraryTable load() {
            try {
                return LibraryTable.load();
            } catch (Throwable t) {
                return null;
            }
        }
    }

    /**
     * Reads at most {@code limit} bytes: a pom.properties whose size the jar misstates cannot flood
     * memory.
     */
    private static final class BoundedStream extends java.io.FilterInputStream {
        private int left;

        BoundedStream(InputStream in, int limit) {
            super(in);
            this.left = limit;
        }

        @Override
        public int read() throws IOException {
            if (left <= 0) {
                return -1;
            }
            int b = super.read();
            if (b >= 0) {
                left--;
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (left <= 0) {
                return -1;
            }
            int n = super.read(buffer, offset, Math.min(length, left));
            if (n > 0) {
                left -= n;
            }
            return n;
        }
    }
}
