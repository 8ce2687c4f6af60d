package io.imdsguard.it.clients.harness;

import io.imdsguard.it.support.AppJvm;
import io.imdsguard.mockimds.HttpTokens;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One way a client is used, as its test declares it: the app that uses it (main class, arguments,
 * library folder), the calls the app makes and how it prints them, the client name the agent must
 * report, the oldest Java it runs on, and any checks of its own. {@link ClientContract} runs it in
 * each mode against each IMDS {@code HttpTokens} setting and checks what a user sees.
 */
public final class Variant {

    /** In an argument, the mock IMDS's endpoint ({@code http://127.0.0.1:port}). */
    public static final String IMDS = "{imds}";

    private final String name;
    private final String client;
    private final Class<?> app;
    private String[] arguments = new String[0];
    private String libraries;
    private final List<Call> calls = new ArrayList<>();
    private int appTokens = 1;
    private int java = 8;
    private String javaWhy = "";
    private List<Object[]> cases = Matrix.ALL;
    private final List<Check> checks = new ArrayList<>();

    private Variant(String name, String client, Class<?> app) {
        this.name = name;
        this.client = client;
        this.app = app;
    }

    /**
     * @param name how the test's runs are named
     * @param client the agent's client name reported for the app's calls
     * @param app the app's main class; its methods are the call sites
     */
    public static Variant of(String name, String client, Class<?> app) {
        return new Variant(name, client, app);
    }

    /** The app's arguments; {@value #IMDS} stands for the mock IMDS's endpoint URL. */
    public Variant arguments(String... args) {
        this.arguments = args;
        return this;
    }

    /** Runs on the jars of {@code target/client-libs/<folder>} (another version of the client). */
    public Variant libraries(String folder) {
        this.libraries = folder;
        return this;
    }

    public Variant calls(Call... more) {
        return calls(Arrays.asList(more));
    }

    public Variant calls(List<Call> more) {
        calls.addAll(more);
        return this;
    }

    /** Token PUTs the app makes itself in one run (for its v2 calls); 1 unless said. */
    public Variant appTokens(int count) {
        this.appTokens = count;
        return this;
    }

    /** The oldest Java the app and its client run on; older JVMs under test skip it, saying why. */
    public Variant runsFrom(int feature, String why) {
        this.java = feature;
        this.javaWhy = why;
        return this;
    }

    /**
     * Each mode once (report/optional, rewrite/required, enforce/optional), where the full matrix
     * runs elsewhere.
     */
    public Variant eachModeOnce() {
        this.cases = Matrix.EACH_MODE_ONCE;
        return this;
    }

    /** The three modes against one IMDS setting only. */
    public Variant modesAgainst(HttpTokens tokens) {
        this.cases = Matrix.modesAgainst(tokens);
        return this;
    }

    /** A check of this client's own, after the contract's. */
    public Variant alsoCheck(Check check) {
        checks.add(check);
        return this;
    }

    /** A check a variant adds: anything more a user relies on for this client. */
    @FunctionalInterface
    public interface Check {
        void check(Outcome outcome) throws Exception;
    }

    AppJvm launch(String imds) {
        String[] args =
                Arrays.stream(arguments).map(a -> a.replace(IMDS, imds)).toArray(String[]::new);
        return libraries == null
                ? AppJvm.mainClass(app, args)
                : AppJvm.mainClassWithLibraries(libraries, app, args);
    }

    List<Object[]> cases() {
        return cases;
    }

    public String name() {
        return name;
    }

    public String client() {
        return client;
    }

    public Class<?> app() {
        return app;
    }

    public List<Call> calls() {
        return calls;
    }

    int appTokens() {
        return appTokens;
    }

    int java() {
        return java;
    }

    String javaWhy() {
        return javaWhy;
    }

    List<Check> checks() {
        return checks;
    }

    /** The client name expected for a call. */
    String clientOf(Call call) {
        return call.client() == null ? client : call.client();
    }

    @Override
    public String toString() {
        return name;
    }
}
