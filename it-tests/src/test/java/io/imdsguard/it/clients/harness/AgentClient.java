package io.imdsguard.it.clients.harness;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The agent's client names (the {@code client=} of its log and report) whose end-to-end test this
 * {@link ClientContract} is. {@code EveryClientHasAContractIT} checks that every client the agent
 * registers is named by exactly one such test.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface AgentClient {
    String[] value();
}
