package io.imdsguard.agent.scan;

import java.util.ArrayList;
import java.util.List;

/** Everything one scan found: findings by artifact, and the inputs it could not read. */
final class ScanResult {

    final List<Artifact> artifacts = new ArrayList<Artifact>();
    final List<Finding> findings = new ArrayList<Finding>();

    /**
     * {@code path: reason}, one per input or entry that could not be read; the scan went on past
     * each.
     */
    final List<String> problems = new ArrayList<String>();

    long archives;
    long classes;
    long bytes;
    long nanos;

    boolean v1Found() {
        for (Finding finding : findings) {
            if (finding.classification.breaksUnderRequired()) {
                return true;
            }
        }
        return false;
    }

    int count(Classification classification) {
        int n = 0;
        for (Finding finding : findings) {
            n += finding.classification == classification ? 1 : 0;
        }
        return n;
    }

    List<Finding> findingsOf(Artifact artifact) {
        List<Finding> of = new ArrayList<Finding>();
        for (Finding finding : findings) {
            if (finding.artifact == artifact) {
                of.add(finding);
            }
        }
        return of;
    }

    String seconds() {
        return String.format(java.util.Locale.ROOT, "%.1f", nanos / 1e9);
    }
}
