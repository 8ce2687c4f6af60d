package io.imdsguard.agent.instrument;

import net.bytebuddy.agent.builder.AgentBuilder;

import java.util.List;

/** One HTTP client family's instrumentation: which types to weave and with what advice. */
public interface ClientInstrumentation {

    /** The client's name as it appears in reports and in the {@code client} metrics tag. */
    String client();

    /**
     * The exact binary names of the classes to weave. Names only: they are checked for every class
     * the JVM loads, before Byte Buddy is even loaded (see {@link DeferredInstrumentation}).
     */
    List<String> typeNames();

    /** Called only once one of {@link #typeNames()} is being loaded. */
    AgentBuilder.Transformer transformer();
}
