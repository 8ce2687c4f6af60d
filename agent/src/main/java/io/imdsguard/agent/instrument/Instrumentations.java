package io.imdsguard.agent.instrument;

import io.imdsguard.agent.log.AgentLog;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.bytebuddy.agent.builder.AgentBuilder;

/**
 * The weaver that applies every client's instrumentation. Only {@link ClientClassWatch} refers to
 * this class, and only once the first client class loads: loading it loads Byte Buddy.
 */
public final class Instrumentations {

    private Instrumentations() {}

    /** The weaver for these clients; the bridge must be installed first. */
    static ClassFileTransformer weaver(
            Instrumentation instrumentation, List<ClientDescription> clients, AgentLog log)
            throws Exception {
        AdviceHooks.logTo(log);
        Map<String, AgentBuilder.Transformer> transformers = transformers(clients);
        for (ClientDescription client : clients) {
            log.debug("instrumentation registered: " + client);
        }
        return new AdviceWeaver(instrumentation, transformers, log, "its requests are not seen");
    }

    /** Each watched class name with its client's transformer. */
    static Map<String, AgentBuilder.Transformer> transformers(List<ClientDescription> clients)
            throws Exception {
        Map<String, AgentBuilder.Transformer> byType =
                new HashMap<String, AgentBuilder.Transformer>();
        for (ClientDescription client : clients) {
            AgentBuilder.Transformer transformer = client.instrumentation().transformer();
            for (String typeName : client.watchedClasses()) {
                byType.put(typeName, transformer);
            }
        }
        return byType;
    }
}
