package io.imdsguard.agent.instrument;

import net.bytebuddy.agent.builder.AgentBuilder;

/**
 * One HTTP client family's instrumentation: the advice for the classes its {@link
 * ClientDescription} watches.
 */
public interface ClientInstrumentation {

    /** The client's name as it appears in reports and in the {@code client} metrics tag. */
    String client();

    /** Called only once one of its {@link ClientDescription#watchedClasses()} is being loaded. */
    AgentBuilder.Transformer transformer();
}
