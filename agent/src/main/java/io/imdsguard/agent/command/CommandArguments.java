package io.imdsguard.agent.command;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The arguments of a command that takes options with a value ({@code --name value} or {@code
 * --name=value}) and then operands; {@code --} ends the options, so an operand may start with a
 * dash. One parser, so that every command treats its command line the same way.
 */
public final class CommandArguments {

    private final Map<String, String> options;
    private final List<String> operands;
    private final boolean helpAsked;

    private CommandArguments(
            Map<String, String> options, List<String> operands, boolean helpAsked) {
        this.options = options;
        this.operands = operands;
        this.helpAsked = helpAsked;
    }

    /**
     * Parses {@code args}, accepting only the options named in {@code valueOptions}.
     *
     * @throws IllegalArgumentException with a message for the user: an unknown option, or one
     *     without a value
     */
    public static CommandArguments parse(List<String> args, String... valueOptions) {
        List<String> known = Arrays.asList(valueOptions);
        Map<String, String> options = new LinkedHashMap<String, String>();
        List<String> operands = new ArrayList<String>();
        boolean optionsEnded = false;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (optionsEnded || !arg.startsWith("-")) {
                operands.add(arg);
                continue;
            }
            if (arg.equals("--")) {
                optionsEnded = true;
                continue;
            }
            if (arg.equals("--help") || arg.equals("-h")) {
                return new CommandArguments(options, operands, true);
            }
            int equals = arg.indexOf('=');
            String name = equals > 0 ? arg.substring(0, equals) : arg;
            if (!known.contains(name)) {
                throw new IllegalArgumentException("unknown option '" + arg + "'");
            }
            String value =
                    equals > 0
                            ? arg.substring(equals + 1)
                            : (i + 1 < args.size() ? args.get(++i) : null);
            if (value == null || value.trim().isEmpty()) {
                throw new IllegalArgumentException(name + " needs a value");
            }
            options.put(name, value);
        }
        return new CommandArguments(options, Collections.unmodifiableList(operands), false);
    }

    /** The value of option {@code name}, or {@code fallback} when it was not given. */
    public String option(String name, String fallback) {
        String value = options.get(name);
        return value != null ? value : fallback;
    }

    public List<String> operands() {
        return operands;
    }

    /** {@code --help} or {@code -h} was given: print the usage, do nothing else. */
    public boolean helpAsked() {
        return helpAsked;
    }
}
