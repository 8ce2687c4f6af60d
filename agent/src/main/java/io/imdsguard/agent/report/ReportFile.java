package io.imdsguard.agent.report;

import io.imdsguard.agent.log.SafeFiles;
import java.io.File;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The JSON report on disk. Written to a temporary file and moved into place, so that a reader (a
 * dashboard job, {@code check}) never sees half a report, and never through a planted link ({@link
 * SafeFiles}).
 */
public final class ReportFile {

    private final Path target;

    private ReportFile(Path target) {
        this.target = target;
    }

    /**
     * Prepares the path: creates missing parent folders and refuses a directory. Whether the file
     * can really be written is known at the first {@link #write}.
     *
     * @throws IOException with a reason a user can act on
     */
    public static ReportFile open(String path) throws IOException {
        Path target = new File(path).getAbsoluteFile().toPath();
        Path parent = target.getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            Files.createDirectories(parent);
        }
        if (Files.isDirectory(target)) {
            throw new IOException(target + " is a directory");
        }
        return new ReportFile(target);
    }

    public Path path() {
        return target;
    }

    public void write(String content) throws IOException {
        SafeFiles.replace(target, content.getBytes(Charset.forName("UTF-8")));
    }
}
