package io.imdsguard.agent.log;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.Charset;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;

/**
 * Writes the agent's files (report, log, {@code check} outputs) so that a link planted at a name it
 * writes is never followed: the folder may be shared and writable by others (a report volume
 * mounted into every pod), and following a link there would let anyone who can write the folder
 * make the agent overwrite a file of their choice with the JVM's rights.
 */
public final class SafeFiles {

    private static final SecureRandom RANDOM = new SecureRandom();

    private SafeFiles() {}

    /**
     * Replaces {@code target} with {@code content} at once: the bytes go to a temporary file of an
     * unpredictable name, created exclusively in the same folder (creation fails on any existing
     * entry, a link included), which is then renamed over the target. A rename replaces a link at
     * the target rather than writing through it, and a reader never sees half a file.
     */
    public static void replace(Path target, byte[] content) throws IOException {
        Path temporary =
                target.resolveSibling(
                        "."
                                + target.getFileName()
                                + "."
                                + Long.toHexString(RANDOM.nextLong())
                                + ".tmp");
        try {
            OutputStream out =
                    Files.newOutputStream(
                            temporary, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            try {
                out.write(content);
            } finally {
                out.close();
            }
            try {
                Files.move(
                        temporary,
                        target,
                        StandardCopyOption.REPLACE_EXISTING,
                        StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                // Same folder, so this is rare; a plain move still replaces a link rather than
                // following it.
                Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    /**
     * What a command writes at a path its user named ({@code --json}, {@code --output}, {@code
     * --html}): the folders are made, the text replaces the file as {@link #replace} does, and a
     * failure names the path, since the user gave several.
     */
    public static void replaceText(String path, String content) throws IOException {
        Path target = new File(path).getAbsoluteFile().toPath();
        try {
            Path parent = target.getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            replace(target, content.getBytes(Charset.forName("UTF-8")));
        } catch (IOException e) {
            throw new IOException(
                    path
                            + ": "
                            + e.getClass().getSimpleName()
                            + (e.getMessage() != null ? " " + e.getMessage() : ""),
                    e);
        }
    }

    /**
     * Opens {@code path} to append to, creating it if needed, and refuses it when it is a symbolic
     * link ({@code O_NOFOLLOW}): a log grows for the life of the JVM, so it cannot be renamed into
     * place, but it must not write through a link either.
     */
    public static OutputStream append(Path path) throws IOException {
        return Files.newOutputStream(
                path,
                StandardOpenOption.CREATE,
                StandardOpenOption.APPEND,
                StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS);
    }
}
