package io.imdsguard.agent.config;

import io.imdsguard.agent.log.Sanitizer;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the agent's keys from its arguments, system properties and environment, in that order of
 * precedence, and validates them. It never throws: every problem becomes one line of {@link
 * ConfigResult#errors()}.
 */
public final class ConfigLoader {

    private ConfigLoader() {}

    public static ConfigResult load(
            String agentArgs,
            Map<String, String> systemProperties,
            Map<String, String> environment) {
        List<String> errors = new ArrayList<String>();
        // Lowest precedence first: later sources overwrite earlier ones.
        Map<ConfigKey, RawValue> raw = new EnumMap<ConfigKey, RawValue>(ConfigKey.class);
        readEnvironment(environment, raw, errors);
        readSystemProperties(systemProperties, raw, errors);
        readAgentArguments(agentArgs, raw, errors);

        Map<ConfigKey, Object> values = new EnumMap<ConfigKey, Object>(ConfigKey.class);
        for (ConfigKey key : ConfigKey.values()) {
            RawValue supplied = raw.get(key);
            String text = supplied != null ? supplied.value : key.defaultValue();
            if (text == null) {
                continue;
            }
            try {
                values.put(key, key.parser().parse(text));
            } catch (ConfigException e) {
                String source = supplied != null ? supplied.source : "the default";
                addError(
                        errors,
                        "bad value for '"
                                + key.key()
                                + "' in "
                                + source
                                + ": "
                                + e.getMessage()
                                + "; accepted: "
                                + key.parser().accepted());
            }
        }
        return new ConfigResult(errors.isEmpty() ? new AgentConfig(values) : null, errors);
    }

    /**
     * The keys named in agent arguments, in the order given; unknown names are left out (load
     * reports them). A later attach changes only these keys.
     */
    public static java.util.Set<ConfigKey> keysIn(String agentArgs) {
        java.util.Set<ConfigKey> keys = new java.util.LinkedHashSet<ConfigKey>();
        if (agentArgs == null) {
            return keys;
        }
        for (String pair : agentArgs.split(",")) {
            int equals = pair.indexOf('=');
            ConfigKey key = equals < 0 ? null : ConfigKey.byName(pair.substring(0, equals).trim());
            if (key != null) {
                keys.add(key);
            }
        }
        return keys;
    }

    private static void readEnvironment(
            Map<String, String> environment, Map<ConfigKey, RawValue> raw, List<String> errors) {
        for (Map.Entry<String, String> entry : environment.entrySet()) {
            String name = entry.getKey();
            if (!name.startsWith(ConfigKey.ENVIRONMENT_PREFIX)) {
                continue;
            }
            String keyName =
                    name.substring(ConfigKey.ENVIRONMENT_PREFIX.length())
                            .toLowerCase(java.util.Locale.ROOT)
                            .replace('_', '.');
            put(keyName, entry.getValue(), "environment variable " + name, raw, errors);
        }
    }

    private static void readSystemProperties(
            Map<String, String> properties, Map<ConfigKey, RawValue> raw, List<String> errors) {
        for (Map.Entry<String, String> entry : properties.entrySet()) {
            String name = entry.getKey();
            if (!name.startsWith(ConfigKey.SYSTEM_PROPERTY_PREFIX)) {
                continue;
            }
            put(
                    name.substring(ConfigKey.SYSTEM_PROPERTY_PREFIX.length()),
                    entry.getValue(),
                    "system property -D" + name,
                    raw,
                    errors);
        }
    }

    private static void readAgentArguments(
            String agentArgs, Map<ConfigKey, RawValue> raw, List<String> errors) {
        if (agentArgs == null || agentArgs.trim().isEmpty()) {
            return;
        }
        for (String pair : agentArgs.split(",")) {
            if (pair.trim().isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            if (equals < 0) {
                addError(
                        errors,
                        "agent argument '"
                                + pair.trim()
                                + "' is not of the form key=value; accepted keys: "
                                + ConfigKey.allKeys());
                continue;
            }
            String keyName = pair.substring(0, equals).trim();
            put(
                    keyName,
                    pair.substring(equals + 1),
                    "agent argument '" + pair.trim() + "'",
                    raw,
                    errors);
        }
    }

    private static void put(
            String keyName,
            String value,
            String source,
            Map<ConfigKey, RawValue> raw,
            List<String> errors) {
        ConfigKey key = ConfigKey.byName(keyName);
        if (key == null) {
            addError(
                    errors,
                    "unknown key '"
                            + keyName
                            + "' in "
                            + source
                            + "; accepted keys: "
                            + ConfigKey.allKeys());
            return;
        }
        raw.put(key, new RawValue(value == null ? "" : value, source));
    }

    /** Values and names come from outside; a line break in one must not split its error line. */
    private static void addError(List<String> errors, String message) {
        errors.add(Sanitizer.forLog(message, 2000));
    }

    private static final class RawValue {
        final String value;
        final String source;

        RawValue(String value, String source) {
            this.value = value;
            this.source = source;
        }
    }
}
