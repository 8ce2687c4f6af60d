package io.imdsguard.agent.scan;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.jar.Manifest;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import net.bytebuddy.jar.asm.ClassReader;

/**
 * Walks the inputs of a scan: files, folder trees, archives and the archives nested in them, never
 * unpacked to disk. Whatever cannot be read is a problem with its path and the reason, and the walk
 * goes on with the next entry or input.
 *
 * <p>An archive file is read by its central directory ({@link ZipIndex}): entries that are neither
 * classes, archives, pom.properties nor the manifest are never read or inflated. Each archive file
 * and each archive nested in one is a task for a pool of {@code threads} workers: a jar stored in
 * its archive (Spring Boot's BOOT-INF/lib) is read as a byte range of the file, a compressed one (a
 * WAR's WEB-INF/lib, usually) is inflated as a stream by its task. The pool's queue is bounded and
 * a full queue makes the submitting thread scan the archive itself, so no more than a few small
 * task descriptions wait and no archive is ever held in memory. Each task writes into its own
 * {@link Part}, and the parts are put together in the order of a one-thread walk: the output is the
 * same whatever the number of threads.
 */
final class ArchiveWalker {

    /** An archive in an archive in ... this deep is a trap, not an application. */
    static final int MAX_NESTING = 8;

    /** The JVM refuses class files near this size anyway; a larger "class" is a trap too. */
    static final int MAX_CLASS_BYTES = 16 * 1024 * 1024;

    static final int MAX_POM_BYTES = 64 * 1024;
    static final int MAX_FOLDER_DEPTH = 64;
    static final int MAX_MANIFEST_BYTES = 1024 * 1024;

    /**
     * No entry of a real application inflates to this; a zip bomb's does, and reading it would take
     * minutes.
     */
    static final long MAX_ENTRY_BYTES = 1L << 30;

    static final int MAX_THREADS = 8;

    private final LibraryTable table;
    private final ArtifactAssessor assessor;
    private final ScanProgress progress;
    private final long maxEntryBytes;
    private final int threads;

    /**
     * The library table's marker classes as entry names: looked for in every class entry's name.
     */
    private final List<String> markerEntries = new ArrayList<String>();

    private ThreadPoolExecutor pool;
    private final AtomicLong archives = new AtomicLong();
    private final AtomicLong classes = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();

    ArchiveWalker(LibraryTable table, ScanProgress progress) {
        this(table, progress, MAX_ENTRY_BYTES, defaultThreads());
    }

    ArchiveWalker(LibraryTable table, ScanProgress progress, long maxEntryBytes) {
        this(table, progress, maxEntryBytes, defaultThreads());
    }

    ArchiveWalker(LibraryTable table, ScanProgress progress, long maxEntryBytes, int threads) {
        this.table = table;
        this.assessor = new ArtifactAssessor(table);
        this.progress = progress;
        this.maxEntryBytes = maxEntryBytes;
        this.threads = Math.max(1, threads);
        for (LibraryTable.Row row : table.rows) {
            markerEntries.add(row.marker.replace('.', '/') + ".class");
        }
    }

    /** One worker per core, a few at most: the scan inflates, and inflating is all CPU. */
    static int defaultThreads() {
        return Math.min(Runtime.getRuntime().availableProcessors(), MAX_THREADS);
    }

    ScanResult scan(List<Path> inputs) {
        long started = System.nanoTime();
        if (threads > 1) {
            pool =
                    new ThreadPoolExecutor(
                            threads,
                            threads,
                            1,
                            TimeUnit.SECONDS,
                            new ArrayBlockingQueue<Runnable>(2 * threads),
                            new Workers(),
                            new ThreadPoolExecutor.CallerRunsPolicy());
        }
        Part root = new Part();
        try {
            for (Path input : inputs) {
                scanInput(root, input);
            }
            ScanResult result = new ScanResult();
            root.addTo(result);
            result.archives = archives.get();
            result.classes = classes.get();
            result.bytes = bytes.get();
            result.nanos = System.nanoTime() - started;
            return result;
        } finally {
            if (pool != null) {
                pool.shutdown();
            }
        }
    }

    private void scanInput(Part part, Path input) {
        if (!Files.exists(input)) {
            part.problem(
                    input.toString(),
                    Files.isSymbolicLink(input) ? "a link to nothing" : "no such file or folder");
            return;
        }
        if (Files.isDirectory(input)) {
            scanFolder(part, input);
        } else if (isClassFile(input.toString())) {
            Artifact folder = new Artifact(input.toString(), fileName(input), true);
            scanClassFile(part, folder, input);
            finish(part, folder);
        } else {
            scanArchiveFile(part, input, true);
        }
    }

    private void scanFolder(final Part part, final Path root) {
        final Artifact classes = new Artifact(root.toString(), fileName(root), true);
        try {
            Files.walkFileTree(
                    root,
                    EnumSet.of(FileVisitOption.FOLLOW_LINKS),
                    MAX_FOLDER_DEPTH,
                    new SimpleFileVisitor<Path>() {
                        @Override
                        public FileVisitResult visitFile(
                                Path file, BasicFileAttributes attributes) {
                            String name = file.toString();
                            if (attributes.isRegularFile() && isClassFile(name)) {
                                scanClassFile(part, classes, file);
                            } else if (attributes.isRegularFile() && isArchive(name)) {
                                scanArchiveFile(part, file, false);
                            }
                            return FileVisitResult.CONTINUE;
                        }

                        @Override
                        public FileVisitResult visitFileFailed(Path file, IOException e) {
                            part.problem(
                                    file.toString(),
                                    e instanceof FileSystemLoopException
                                            ? "a link loop: this folder links back to one that holds it; not followed"
                                            : reason(e));
                            return FileVisitResult.CONTINUE;
                        }
                    });
        } catch (IOException e) {
            part.problem(root.toString(), reason(e));
        }
        if (classes.classCount > 0) {
            finish(part, classes);
        }
    }

    private void scanClassFile(Part part, Artifact folder, Path file) {
        try {
            long size = Files.size(file);
            if (size > MAX_CLASS_BYTES) {
                part.problem(
                        file.toString(),
                        "larger than " + (MAX_CLASS_BYTES >> 20) + " MB; not a class file");
                return;
            }
            byte[] content = Files.readAllBytes(file);
            bytes.addAndGet(content.length);
            scanClass(part, folder, file.toString(), content);
        } catch (IOException e) {
            part.problem(file.toString(), reason(e));
        }
    }

    /**
     * A file named as an archive, or given on the command line: it must be a zip. A task of its
     * own.
     */
    private void scanArchiveFile(Part part, final Path file, final boolean named) {
        submit(
                part,
                file.toString(),
                new Task() {
                    @Override
                    public void run(Part own) throws IOException {
                        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
                        try {
                            long size = channel.size();
                            RangeReader whole = new RangeReader(channel, 0, size, 64);
                            if (!looksLikeZip(whole)) {
                                own.problem(
                                        file.toString(),
                                        named && !isArchive(file.toString())
                                                ? "not a jar, war, ear or class file"
                                                : "not a zip archive, though named like one");
                                return;
                            }
                            bytes.addAndGet(size);
                            scanRange(
                                    own,
                                    file,
                                    channel,
                                    0,
                                    size,
                                    file.toString(),
                                    fileName(file),
                                    0);
                        } finally {
                            channel.close();
                        }
                    }
                });
    }

    /**
     * The archive in {@code [base, base + length)} of a file: by its index, or as a stream when it
     * has none.
     */
    private void scanRange(
            Part part,
            Path file,
            FileChannel channel,
            long base,
            long length,
            String path,
            String fileName,
            int depth)
            throws IOException {
        ZipIndex index = ZipIndex.open(channel, base, length);
        if (index == null) {
            InputStream in =
                    new BufferedInputStream(
                            new RangeReader(channel, base, length, 64).stream(0, length),
                            64 * 1024);
            scanArchive(part, in, path, fileName, depth);
            return;
        }
        try {
            scanIndexed(part, index, file, base, path, fileName, depth);
        } finally {
            index.close();
        }
    }

    private void scanIndexed(
            Part part,
            ZipIndex index,
            Path file,
            long base,
            String path,
            String fileName,
            int depth) {
        Artifact artifact = new Artifact(path, fileName, false);
        archives.incrementAndGet();
        try {
            ZipIndex.Entry entry;
            while ((entry = index.next()) != null) {
                String name = entry.name;
                if (entry.isDirectory()) {
                    continue;
                }
                String entryPath = path + "!/" + name;
                try {
                    if (isClassFile(name)) {
                        if (entry.size > MAX_CLASS_BYTES) {
                            part.problem(
                                    entryPath,
                                    "inflates beyond "
                                            + (MAX_CLASS_BYTES >> 20)
                                            + " MB; not a class file (a zip bomb?), skipped");
                        } else if (endsWithAMarker(entryPath)) {
                            scanClass(part, artifact, entryPath, index.read(entry));
                        } else {
                            byte[] content = index.readClass(entry);
                            if (content == null) {
                                // its constants name no IMDS: counted, and not read further
                                classes.incrementAndGet();
                                artifact.classCount++;
                            } else {
                                scanClass(part, artifact, entryPath, content);
                            }
                        }
                    } else if (isArchive(name)) {
                        nestedInFile(part, index, entry, file, base, entryPath, name, depth + 1);
                    } else if (isPom(name)) {
                        if (entry.size > MAX_POM_BYTES) {
                            part.problem(
                                    entryPath,
                                    "larger than "
                                            + (MAX_POM_BYTES >> 10)
                                            + " KB; not a pom.properties, skipped");
                        } else {
                            readPom(artifact, index.read(entry), name);
                        }
                    } else if (name.equalsIgnoreCase("META-INF/MANIFEST.MF")) {
                        if (entry.size > MAX_MANIFEST_BYTES) {
                            part.problem(
                                    entryPath,
                                    "larger than "
                                            + (MAX_MANIFEST_BYTES >> 20)
                                            + " MB; not a manifest, skipped");
                        } else {
                            readManifest(artifact, index.read(entry));
                        }
                    }
                    // anything else cannot name IMDS in a way the scan reports: it is not even read
                } catch (IOException e) {
                    part.problem(entryPath, "a corrupt entry (" + reason(e) + "), skipped");
                }
                progress.update(archives.get(), classes.get(), bytes.get(), path);
            }
        } catch (IOException e) {
            part.problem(
                    path, "a corrupt archive (" + reason(e) + "); what came before was scanned");
        } catch (RuntimeException e) {
            part.problem(
                    path, "a corrupt archive (" + reason(e) + "); what came before was scanned");
        }
        finish(part, artifact);
    }

    /**
     * A nested archive of an indexed one, as a task: a stored one is a byte range of the same file,
     * indexed in turn; a compressed one is inflated as a stream by the task.
     */
    private void nestedInFile(
            Part part,
            ZipIndex index,
            final ZipIndex.Entry entry,
            final Path file,
            final long base,
            final String entryPath,
            String name,
            final int depth)
            throws IOException {
        if (depth > MAX_NESTING) {
            part.problem(
                    entryPath, "nested more than " + MAX_NESTING + " archives deep; not scanned");
            return;
        }
        if ((entry.flags & 1) != 0
                || (entry.method != ZipIndex.STORED && entry.method != ZipIndex.DEFLATED)) {
            part.problem(
                    entryPath,
                    "a corrupt entry (encrypted, or compressed with method "
                            + entry.method
                            + ", which the scan does not read), skipped");
            return;
        }
        final long start = base + index.dataStart(entry);
        final String nestedName = name.substring(name.lastIndexOf('/') + 1);
        submit(
                part,
                entryPath,
                new Task() {
                    @Override
                    public void run(Part own) throws IOException {
                        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
                        try {
                            RangeReader range =
                                    new RangeReader(channel, start, entry.compressedSize, 64);
                            if (entry.method == ZipIndex.STORED) {
                                if (!looksLikeZip(range)) {
                                    own.problem(
                                            entryPath, "not a zip archive, though named like one");
                                    return;
                                }
                                scanRange(
                                        own,
                                        file,
                                        channel,
                                        start,
                                        entry.compressedSize,
                                        entryPath,
                                        nestedName,
                                        depth);
                                return;
                            }
                            Inflater inflater = new Inflater(true);
                            try {
                                InputStream in =
                                        new BufferedInputStream(
                                                new InflaterInputStream(
                                                        range.stream(0, entry.compressedSize),
                                                        inflater,
                                                        64 * 1024),
                                                8 * 1024);
                                if (!looksLikeZip(in)) {
                                    own.problem(
                                            entryPath, "not a zip archive, though named like one");
                                    return;
                                }
                                scanArchive(own, in, entryPath, nestedName, depth);
                            } finally {
                                inflater.end();
                            }
                        } finally {
                            channel.close();
                        }
                    }
                });
    }

    /**
     * An archive read as a stream: one nested in a compressed entry, or one whose index cannot be
     * read.
     */
    private void scanArchive(Part part, InputStream in, String path, String fileName, int depth) {
        Artifact artifact = new Artifact(path, fileName, false);
        archives.incrementAndGet();
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
                    byte[] content = readAtMost(zip, MAX_CLASS_BYTES, entry.getSize());
                    if (content == null) {
                        part.problem(
                                entryPath,
                                "inflates beyond "
                                        + (MAX_CLASS_BYTES >> 20)
                                        + " MB; not a class file (a zip bomb?), skipped");
                    } else {
                        scanClass(part, artifact, entryPath, content);
                    }
                } else if (isArchive(name)) {
                    scanNested(part, zip, entryPath, name, depth + 1);
                } else if (isPom(name)) {
                    byte[] pom = readAtMost(zip, MAX_POM_BYTES);
                    if (pom == null) {
                        part.problem(
                                entryPath,
                                "larger than "
                                        + (MAX_POM_BYTES >> 10)
                                        + " KB; not a pom.properties, skipped");
                    } else {
                        readPom(artifact, pom, name);
                    }
                } else if (name.equalsIgnoreCase("META-INF/MANIFEST.MF")) {
                    byte[] manifest = readAtMost(zip, MAX_MANIFEST_BYTES);
                    if (manifest == null) {
                        part.problem(
                                entryPath,
                                "larger than "
                                        + (MAX_MANIFEST_BYTES >> 20)
                                        + " MB; not a manifest, skipped");
                    } else {
                        readManifest(artifact, manifest);
                    }
                } else if (!skip(zip)) {
                    // a stream has no index to step over an entry by: it is inflated to reach the
                    // next
                    part.problem(
                            entryPath,
                            "inflates beyond "
                                    + (maxEntryBytes >> 20)
                                    + " MB (a zip bomb?); the rest "
                                    + "of this archive is not scanned");
                    break;
                }
                progress.update(archives.get(), classes.get(), bytes.get(), path);
            }
        } catch (IOException e) {
            part.problem(
                    path,
                    "a corrupt or truncated archive ("
                            + reason(e)
                            + "); what came before was scanned");
        } catch (RuntimeException e) {
            part.problem(
                    path, "a corrupt archive (" + reason(e) + "); what came before was scanned");
        }
        finish(part, artifact);
    }

    private void scanNested(
            Part part, ZipInputStream outer, String entryPath, String name, int depth)
            throws IOException {
        if (depth > MAX_NESTING) {
            part.problem(
                    entryPath, "nested more than " + MAX_NESTING + " archives deep; not scanned");
            return;
        }
        BufferedInputStream in = new BufferedInputStream(new NotClosing(outer), 8 * 1024);
        if (!looksLikeZip(in)) {
            part.problem(entryPath, "not a zip archive, though named like one");
            return;
        }
        // in the stream of its outer archive: read here, in order, by this task
        scanArchive(part, in, entryPath, name.substring(name.lastIndexOf('/') + 1), depth);
    }

    private static boolean isPom(String name) {
        return name.startsWith("META-INF/maven/") && name.endsWith("/pom.properties");
    }

    private static void readPom(Artifact artifact, byte[] content, String name) throws IOException {
        Properties pom = new Properties();
        pom.load(new java.io.ByteArrayInputStream(content));
        Coordinates coordinates = Coordinates.fromPom(pom);
        if (coordinates != null) {
            artifact.poms.put(name, coordinates);
        }
    }

    private static void readManifest(Artifact artifact, byte[] content) throws IOException {
        artifact.manifest =
                Coordinates.fromManifest(new Manifest(new java.io.ByteArrayInputStream(content)));
    }

    private void scanClass(Part part, Artifact artifact, String entryPath, byte[] content) {
        classes.incrementAndGet();
        artifact.classCount++;
        try {
            ClassFinding finding = ClassScanner.scan(content);
            if (finding != null) {
                artifact.classes.add(finding);
            }
            if (endsWithAMarker(entryPath)) {
                String className = new ClassReader(content).getClassName().replace('/', '.');
                LibraryTable.Row row = table.findByMarker(className);
                if (row != null) {
                    artifact.markers.put(className, row);
                }
            }
        } catch (RuntimeException e) {
            part.problem(entryPath, "not a class file that parses (" + reason(e) + "), skipped");
        }
    }

    private boolean endsWithAMarker(String entryPath) {
        for (String marker : markerEntries) {
            if (entryPath.endsWith(marker)) {
                return true;
            }
        }
        return false;
    }

    private void finish(Part part, Artifact artifact) {
        part.items.add(new Finished(artifact, assessor.assess(artifact)));
    }

    /**
     * Runs a task on the pool (or here, when there is none or its queue is full); its part takes
     * its place in order.
     */
    private void submit(Part part, final String path, final Task task) {
        final Part own = new Part();
        Runnable work =
                new Runnable() {
                    @Override
                    public void run() {
                        try {
                            task.run(own);
                        } catch (IOException e) {
                            own.problem(path, reason(e));
                        } catch (RuntimeException e) {
                            own.problem(
                                    path,
                                    "a corrupt archive ("
                                            + reason(e)
                                            + "); what came before was scanned");
                        } catch (StackOverflowError e) {
                            own.problem(path, "nested too deep to read");
                        }
                    }
                };
        if (pool == null) {
            work.run();
            part.items.add(own);
            return;
        }
        FutureTask<Part> future = new FutureTask<Part>(work, own);
        part.items.add(future);
        pool.execute(future);
    }

    private interface Task {
        void run(Part own) throws IOException;
    }

    /**
     * What one task found, in the order a one-thread walk finds it: problems ({@code path:
     * reason}), finished artifacts with their findings, and the parts of the tasks it started, in
     * their place.
     */
    static final class Part {
        final List<Object> items = new ArrayList<Object>();

        void problem(String path, String reason) {
            items.add(path + ": " + reason);
        }

        /** Waits for the tasks it started, in order; they never wait for anything, so this ends. */
        void addTo(ScanResult result) {
            for (Object item : items) {
                if (item instanceof String) {
                    result.problems.add((String) item);
                } else if (item instanceof Finished) {
                    result.artifacts.add(((Finished) item).artifact);
                    result.findings.addAll(((Finished) item).findings);
                } else if (item instanceof Part) {
                    ((Part) item).addTo(result);
                } else {
                    done((Future<?>) item).addTo(result);
                }
            }
        }

        private static Part done(Future<?> future) {
            boolean interrupted = false;
            try {
                while (true) {
                    try {
                        return (Part) future.get();
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
            } catch (ExecutionException e) {
                // the task catches what it can; anything else (an Error) is the scan's own failure
                throw new IllegalStateException("a scan task failed", e.getCause());
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    private static final class Finished {
        final Artifact artifact;
        final List<Finding> findings;

        Finished(Artifact artifact, List<Finding> findings) {
            this.artifact = artifact;
            this.findings = findings;
        }
    }

    /** Daemon workers: a scan that fails must not keep the JVM alive. */
    private static final class Workers implements ThreadFactory {
        private final AtomicLong count = new AtomicLong();

        @Override
        public Thread newThread(Runnable work) {
            Thread thread = new Thread(work, "imds-guard-scan-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        }
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
                    throw new java.io.EOFException(
                            "the entry ends before its stated size " + stated);
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

    private static boolean looksLikeZip(RangeReader range) throws IOException {
        if (range.length < 4) {
            return false;
        }
        byte[] head = new byte[4];
        range.readFully(0, head, 0, 4);
        return looksLikeZip(head, 4);
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
        return looksLikeZip(head, read);
    }

    private static boolean looksLikeZip(byte[] head, int read) {
        return read == 4
                && head[0] == 'P'
                && head[1] == 'K'
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
