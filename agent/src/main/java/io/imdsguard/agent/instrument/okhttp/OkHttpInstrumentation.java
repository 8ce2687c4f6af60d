package io.imdsguard.agent.instrument.okhttp;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.returns;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import io.imdsguard.agent.instrument.AdviceHooks;
import io.imdsguard.agent.instrument.ClientInstrumentation;
import net.bytebuddy.agent.builder.AgentBuilder;

/**
 * OkHttp 3.x and 4.x, and so Retrofit 2, which creates its calls with {@code Call.Factory.newCall}.
 *
 * <ul>
 *   <li>{@code okhttp3.OkHttpClient.newCall(Request)} is where every call is made, on the
 *       application's thread for {@code execute()} and {@code enqueue()} alike (OkHttp 3.x and
 *       4.x); the request is judged there, and replaced by a copy with the token header when the
 *       mode says so.
 *   <li>{@code RealCall.getResponseWithInterceptorChain} (3.x: {@code okhttp3.RealCall}; 4.x:
 *       {@code okhttp3.internal.connection.RealCall}, Kotlin-internal, hence the {@code $okhttp}
 *       suffix) runs each call on the thread that sends it: an IMDS call is counted in and out
 *       around it, and a 401 to a request that carried a token is reported, so the agent drops its
 *       token if it was its own.
 * </ul>
 *
 * A version without these methods is simply not matched.
 */
public final class OkHttpInstrumentation implements ClientInstrumentation {

    /** The client name in reports and metrics; the advice repeats it as a literal. */
    public static final String CLIENT = "okhttp";

    @Override
    public String client() {
        return CLIENT;
    }

    @Override
    public AgentBuilder.Transformer transformer() {
        return AdviceHooks.of(client(), OkHttpNewCallAdvice.class.getClassLoader())
                .advice(
                        named("newCall")
                                .and(takesArguments(1))
                                .and(takesArgument(0, named("okhttp3.Request"))),
                        OkHttpNewCallAdvice.class.getName())
                .advice(
                        named("getResponseWithInterceptorChain")
                                .or(named("getResponseWithInterceptorChain$okhttp"))
                                .and(takesArguments(0))
                                .and(returns(named("okhttp3.Response"))),
                        OkHttpResponseAdvice.class.getName())
                .advice(
                        named("followUpRequest")
                                .and(returns(named("okhttp3.Request")))
                                .and(takesArgument(0, named("okhttp3.Response"))),
                        OkHttpRedirectAdvice.class.getName());
    }
}
