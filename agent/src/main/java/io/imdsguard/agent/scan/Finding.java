package io.imdsguard.agent.scan;

import java.util.Collections;
import java.util.List;

/** One thing to report: a method that uses IMDS constants, or a library known to call IMDS. */
final class Finding {

    final Artifact artifact;

    /**
     * The library table's row and version when the finding is in a known library's code; else null.
     */
    final LibraryTable.LibraryVerdict library;

    /**
     * Null for a library finding with no IMDS constant of its own (e.g. a module that calls
     * another).
     */
    final ClassFinding owner;

    final ClassFinding.MethodUse method;
    final Classification classification;
    final String remediation;

    Finding(
            Artifact artifact,
            LibraryTable.LibraryVerdict library,
            ClassFinding owner,
            ClassFinding.MethodUse method,
            Classification classification,
            String remediation) {
        this.artifact = artifact;
        this.library = library;
        this.owner = owner;
        this.method = method;
        this.classification = classification;
        this.remediation = remediation;
    }

    /**
     * {@code com.acme.Info.region(Info.java:42)}, or the library's name when there is no method.
     */
    String site() {
        if (owner == null) {
            return library.row.name()
                    + (library.version != null ? ":" + library.version : "")
                    + " (library)";
        }
        return method.frame(owner);
    }

    String className() {
        return owner == null ? null : owner.className;
    }

    String methodName() {
        return method == null ? null : method.name;
    }

    List<String> constants() {
        return method == null ? Collections.<String>emptyList() : method.constants;
    }

    /** {@code com.amazonaws:aws-java-sdk-core:1.11.500}, or {@code a shaded copy of ...} */
    String libraryText() {
        if (library == null) {
            return null;
        }
        return library.version != null
                ? library.row.name() + ":" + library.version
                : "a copy of " + library.row.name() + " (version unknown)";
    }
}
