package testcallers;

import io.imdsguard.agent.detect.CallerFrames;

/**
 * Application code, as the agent sees it (outside its infrastructure packages), with two calls in
 * one method: the walked site must tell them apart by line, however often each is made.
 */
public final class TwoCallSites {

    private TwoCallSites() {}

    /**
     * @return the sites of the first call and of the second, in that order
     */
    public static CallerFrames[] fromTwoLines() {
        CallerFrames first = CallerFrames.ofCurrentThread();
        CallerFrames second = CallerFrames.ofCurrentThread();
        return new CallerFrames[] {first, second};
    }
}
