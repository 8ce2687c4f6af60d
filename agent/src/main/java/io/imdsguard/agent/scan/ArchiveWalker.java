package io.imdsguard.agent.scan;

import net.bytebuddy.jar.asm.ClassReader;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Walks the inputs of a scan: files, folder trees, archives and the archives nested in them, each
 * read as a stream, never unpacked to disk. Whatever cannot be read is a problem with its path and
 * the reason, and the walk goes on with the next entry or input.
 */
final class ArchiveWalker {

    /** An archive in an archive in ... this deep is a trap, not an application. */
    static final int MAX_NESTING = 8;
    /** The JVM refuses class files near this size anyway; a larger "class" is a trap too. */
    static final int MAX_CLASS_BYTES = 16 * 1024 * 1024;
    static final int MAX_POM_BYTES = 64 * 1024;
    static final int MAX_FOLDER_DEPTH = 64;
    static final int MAX_MANIFEST_BYTES = 1024 * 1024;
    /** No entry of a real application inflates to this; a zip bomb's does, and reading it would take minutes. */
    static final long MAX_ENTRY_BYTES = 1L << 30;

    private final LibraryTable table;
    private final ArtifactAssessor assessor;
    private final ScanProgress progress;
    private final ScanResult result = new ScanResult();
    private final long maxEntryBytes;

    ArchiveWalker(LibraryTable table, ScanProgress progress) {
        this(table, progress, MAX_ENTRY_BYTES);
    }

    ArchiveWalker(LibraryTable table, ScanProgress progress, long maxEntryBytes) {
        this.table = table;
        this.assessor = new ArtifactAssessor(table);
        this.progress = progress;
        this.maxEntryBytes = maxEntryBytes;
    }

    ScanResult scan(List<Path> inputs) {
        long started = System.nanoTime();
        for (Path input : inputs) {
            scanInput(input);
        }
        result.nanos = System.nanoTime() - started;
        return result;
    }

    private void scanInput(Path input) {
        if (!Files.exists(input)) {
            problem(input.toString(), Files.isSymbolicLink(input) ? "a link to nothing" : "no such file or folder");
            return;
        }
        if (Files.isDirectory(input)) {
            scanFolder(input);
        } else if (isClassFile(input.toString())) {
            Artifact folder = new Artifact(input.toString(), fileName(input), true);
            scanClassFile(folder, input);
            finish(folder);
        } else {
            scanArchiveFile(input, true);
        }
    }

    private void scanFolder(final Path root) {
        final Artifact classes = new Artifact(root.toString(), fileName(root), true);
        try {
            Files.walkFileTree(root, EnumSet.of(FileVisitOption.FOLLOW_LINKS), MAX_FOLDER_DEPTH,
                    new SimpleFileVisitor<Path>() {
                        @Override
                        public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                            String name = file.toString();
                            if (attributes.isRegularFile() && isClassFile(name)) {
                                scanClassFile(classes, file);
                            } else if (attributes.isRegularFile() && isArchive(name)) {
                                scanArchiveFile(file, false);
                            }
                            return FileVisitResult.CONTINUE;
                        }

                        @Override
                        public FileVisitResult visitFileFailed(Path file, IOException e) {
                            problem(file.toString(), e instanceof FileSystemLoopException
                                    ? "a link loop: this folder links back to one that holds it; not followed"
                                    : reason(e));
                            return FileVisitResult.CONTINUE;
                        }
                    });
        } catch (IOException e) {
            problem(root.toString(), reason(e));
        }
        if (classes.classCount > 0) {
            finish(classes);
        }
    }

    private void scanClassFile(Artifact folder, Path file) {
        try {
            long size = Files.size(file);
            if (size > MAX_CLASS_BYTES) {
                problem(file.toString(), "larger than " + (MAX_CLASS_BYTES >> 20) + " MB; not a class file");
                return;
            }
            byte[] bytes = Files.readAllBytes(file);
            result.bytes += bytes.length;
            scanClass(folder, file.toString(), bytes);
        } catch (IOException e) {
            problem(file.toString(), reason(e));
        }
    }

    /** A file named as an archive, or given on the command line: it must be a zip. */
    private void scanArchiveFile(Path file, boolean named) {
        InputStream in = null;
        try {
            in = new BufferedInputStream(Files.newInputStream(file), 64 * 1024);
            if (!looksLikeZip(in)) {
                problem(file.toString(), named && !isArchive(file.toString())
                        ? "not a jar, war, ear or class file" : "not a zip archive, though named like one");
                return;
            }
            result.bytes += Files.size(file);
            scanArchive(in, file.toString(), fileName(file), 0);
        } catch (IOException e) {
            problem(file.toString(), reason(e));
        } finally {
            closeQuietly(in);
        }
    }

    private void scanArchive(InputStream in, String path, String fileName, int depth) {
        Artifact artifact = new Artifact(path, fileName, false);
        result.archives++;
        ZipInputStream zip = new ZipInputStream(in);
        try {
            ZipEntry entry;
            while ((entry = zip.getNextEntry()) != null) {
                String name = entry.getName();
                if (entry.isDirectory()) {
                    continue;
                }
                String entryPath = path + "!/" + name;
                if (isClassFile(name)) {
                    byte[] bytes = readAtMost(zip, MAX_CLASS_BYTES, entry.getSize());
                    if (bytes == null) {
                        problem(entryPath, "inflates beyond " + (MAX_CLASS_BYTES >> 20)
                                + " MB; not a class file (a zip bomb?), skipped");
                    } else {
                        scanClass(artifact, entryPath, bytes);
                    }
                } else if (isArchive(name)) {
                    scanNested(zip, entryPath, name, depth + 1);
                } else if (name.startsWith("META-INF/maven/") && name.endsWith("/pom.properties")) {
                    readPom(artifact, zip, entryPath, name);
                } else if (name.equalsIgnoreCase("META-INF/MANIFEST.MF")) {
                    byte[] manifest = readAtMost(zip, MAX_MANIFEST_BYTES);
                    if (manifest == null) {
                        problem(entryPath, "larger than " + (MAX_MANIFEST_BYTES >> 20) + " MB; not a manifest, skipped");
                    } else {
                        artifact.manifest = Coordinates.fromManifest(
                                new Manifest(new java.io.ByteArrayInputStream(manifest)));
                    }
                } else if (!skip(zip)) {
                    problem(entryPath, "inflates beyond " + (maxEntryBytes >> 20) + " MB (a zip bomb?); the rest of "
                            + "this archive is not scanned");
                    break;
                }
                progress.update(result, path);
            }
        } catch (IOException e) {
            problem(path, "a corrupt or truncated archive (" + reason(e) + "); what came before was scanned");
        } catch (RuntimeException e) {
            problem(path, "a corrupt archive (" + reason(e) + "); what came before was scanned");
        }
        finish(artifact);
    }

    private void scanNested(ZipInputStream outer, String entryPath, String name, int depth) throws IOException {
        if (depth > MAX_NESTING) {
            problem(entryPath, "nested more than " + MAX_NESTING + " archives deep; not scanned");
            return;
        }
        BufferedInputStream in = new BufferedInputStream(new NotClosing(outer), 8 * 1024);
        if (!looksLikeZip(in)) {
            problem(entryPath, "not a zip archive, though named like one");
            return;
        }
        scanArchive(in, entryPath, name.substring(name.lastIndexOf('/') + 1), depth);
    }

    private void readPom(Artifact artifact, ZipInputStream zip, String entryPath, String name) throws IOException {
        byte[] bytes = readAtMost(zip, MAX_POM_BYTES);
        if (bytes == null) {
            problem(entryPath, "larger than " + (MAX_POM_BYTES >> 10) + " KB; not a pom.properties, skipped");
            return;
        }
        Properties pom = new Properties();
        pom.load(new java.io.ByteArrayInputStream(bytes));
        Coordinates coordinates = Coordinates.fromPom(pom);
        if (coordinates != null) {
            artifact.poms.put(name, coordinates);
        }
    }

    private void scanClass(Artifact artifact, String entryPath, byte[] bytes) {
        result.classes++;
        artifact.classCount++;
        try {
            ClassFinding finding = ClassScanner.scan(bytes);
            if (finding != null) {
                artifact.classes.add(finding);
            }
            if (endsWithAMarker(entryPath)) {
                String className = new ClassReader(bytes).getClassName().replace('/', '.');
                LibraryTable.Row row = table.findByMarker(className);
                if (row != null) {
                    artifact.markers.put(className, row);
                }
            }
        } catch (RuntimeException e) {
            problem(entryPath, "not a class file that parses (" + reason(e) + "), skipped");
        }
    }

    private boolean endsWithAMarker(String entryPath) {
        for (LibraryTable.Row row : table.rows) {
            if (entryPath.endsWith(row.marker.replace('.', '/') + ".class")) {
                return true;
            }
        }
        return false;
    }

    private void finish(Artifact artifact) {
        result.artifacts.add(artifact);
        result.findings.addAll(assessor.assess(artifact));
    }

    private void problem(String path, String reason) {
        result.problems.add(path + ": " + reason);
    }

    /** Reads past an entry the scan does not need; false when it inflates beyond the limit. */
    private boolean skip(InputStream in) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long total = 0;
        int n;
        while ((n = in.read(buffer)) > 0) {
            total += n;
            if (total > maxEntryBytes) {
                return false;
            }
        }
        return true;
    }

    /** The whole entry, or null when it is longer than {@code limit}. */
    private static byte[] readAtMost(InputStream in, int limit) throws IOException {
        return readAtMost(in, limit, -1);
    }

    /** The same, with the size the archive states (-1 unknown) when it is within the limit. */
    private static byte[] readAtMost(InputStream in, int limit, long stated) throws IOException {
        if (stated >= 0 && stated <= limit) {
            // the usual case: one array of the right size, filled in place
            byte[] bytes = new byte[(int) stated];
            int read = 0;
            while (read < bytes.length) {
                int n = in.read(bytes, read, bytes.length - read);
                if (n < 0) {
                    throw new java.io.EOFException("the entry ends before its stated size " + stated);
                }
                read += n;
            }
            if (in.read() < 0) {
                return bytes;
            }
            throw new IOException("the entry is longer than its stated size " + stated);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(8 * 1024);
        byte[] buffer = new byte[16 * 1024];
        int n;
        while ((n = in.read(buffer)) > 0) {
            if (out.size() + n > limit) {
                return null;
            }
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }

    /** A local file header, or the end record of an empty archive. */
    private static boolean looksLikeZip(InputStream in) throws IOException {
        in.mark(4);
        byte[] head = new byte[4];
        int read = 0;
        while (read < 4) {
            int n = in.read(head, read, 4 - read);
            if (n < 0) {
                break;
            }
            read += n;
        }
        in.reset();
        return read == 4 && head[0] == 'P' && head[1] == 'K'
                && ((head[2] == 3 && head[3] == 4) || (head[2] == 5 && head[3] == 6));
    }

    private static boolean isClassFile(String name) {
        return name.endsWith(".class");
    }

    static boolean isArchive(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.endsWith(".jar") || lower.endsWith(".war") || lower.endsWith(".ear");
    }

    private static String fileName(Path path) {
        Path name = path.getFileName();
        return name == null ? path.toString() : name.toString();
    }

    private static String reason(Exception e) {
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message != null ? ": " + message : "");
    }

    private static void closeQuietly(InputStream in) {
        if (in != null) {
            try {
                in.close();
            } catch (IOException ignored) {
                // nothing was written; a failed close loses nothing
            }
        }
    }

    /** An entry's stream that a nested reader may close without closing the archive around it. */
    private static final class NotClosing extends FilterInputStream {
        NotClosing(InputStream in) {
            super(in);
        }

        @Override
        public void close() {
            // the outer ZipInputStream moves on to its next entry itself
        }
    }
}
