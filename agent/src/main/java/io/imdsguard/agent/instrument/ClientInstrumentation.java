package io.imdsguard.agent.instrument;

import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/** One HTTP client family's instrumentation: which type to weave and with what advice. */
public interface ClientInstrumentation {

    /** The client's name as it appears in reports and in the {@code client} metrics tag. */
    String client();

    /** Matches the client's classes by name only: super-type matching would slow every class load. */
    ElementMatcher<TypeDescription> types();

    AgentBuilder.Transformer transformer();
}
