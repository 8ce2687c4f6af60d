package io.imdsguard.agent.detect;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Finds the call site in a stack walked from the innermost frame out. The agent's, the JDK's and
 * the known HTTP clients' frames are skipped by name. The first frame after them made the request:
 * if its class is application code (see {@link CodeSources}), it is the call site. If it comes from
 * a library jar, that library made the request for someone else: the library is the run of frames
 * from the same jar, and the call site is the first application frame beyond it, so that every
 * caller of a library the agent has never heard of is its own site. Only the AWS SDKs' IMDS classes
 * stay the site, with the application frame that called the SDK beside them.
 */
final class LibraryRun {

    /** Enough classes to name the library in a message; a library's run may be long. */
    private static final int MAX_CLASSES = 16;

    private int requesting = -1;
    private String requestingClass;
    private String library;
    private int application = -1;
    private int beyondRun = -1;
    private boolean inRun;
    private boolean done;
    private List<String> libraryClasses = Collections.emptyList();

    /**
     * Takes the next frame outward; returns true once the rest of the stack cannot change the site.
     */
    boolean next(int index, String className, Class<?> type) {
        if (done || CallerFrames.isInfrastructure(className)) {
            return done;
        }
        if (requesting < 0) {
            requesting = index;
            requestingClass = className;
            library = CodeSources.library(type);
            done = library == null;
            if (!done) {
                inRun = true;
                libraryClasses = new ArrayList<String>(4);
                libraryClasses.add(className);
            }
            return done;
        }
        String from = CodeSources.library(type);
        if (from == null) {
            application = index;
            done = true;
        } else if (inRun && from.equals(library)) {
            if (libraryClasses.size() < MAX_CLASSES && !libraryClasses.contains(className)) {
                libraryClasses.add(className);
            }
        } else {
            inRun = false;
            if (beyondRun < 0) {
                beyondRun = index;
            }
        }
        return done;
    }

    /**
     * The first frame that is not the agent's, the JDK's or a known client's; -1 when there is
     * none.
     */
    int requesting() {
        return requesting;
    }

    /** The frame the site is: the requesting frame, or the application frame beyond the library. */
    int site() {
        if (library == null || SdkImdsClasses.includes(requestingClass)) {
            return requesting;
        }
        int caller = applicationFrame();
        return caller >= 0 ? caller : requesting;
    }

    /**
     * The application frame that called into the SDK whose IMDS class is the site; -1 when the site
     * is not an SDK's.
     */
    int sdkCaller() {
        return library != null && SdkImdsClasses.includes(requestingClass)
                ? applicationFrame()
                : -1;
    }

    /**
     * The first application frame beyond the library; with none (every frame is some library's),
     * the first frame beyond the library's own run.
     */
    int applicationFrame() {
        return application >= 0 ? application : beyondRun;
    }

    /** The first application frame beyond the library; -1 when none was seen (yet). */
    int application() {
        return application;
    }

    /**
     * The first frame of another library beyond the library's own run; -1 when none was seen (yet).
     */
    int beyondRun() {
        return beyondRun;
    }

    /**
     * Whether the site is the application frame beyond a library, not the frame that made the
     * request.
     */
    boolean pastLibrary() {
        return library != null
                && !SdkImdsClasses.includes(requestingClass)
                && applicationFrame() >= 0;
    }

    /**
     * The location of the library jar that made the request, null when application code made it.
     */
    String library() {
        return library;
    }

    /**
     * The library's classes on this stack, innermost first: what a rewrite.callers entry must not
     * name.
     */
    List<String> libraryClasses() {
        return libraryClasses;
    }
}
