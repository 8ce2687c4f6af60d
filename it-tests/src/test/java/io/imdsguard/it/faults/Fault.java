package io.imdsguard.it.faults;

import io.imdsguard.mockimds.MockImds;

/**
 * One failure of IMDS, injected into the mock before a round of calls and healed after it. The ones
 * that end the mock (connection refused) are not here: the suite runs that one last.
 */
enum Fault {
    HEALTHY,
    /** An IMDS restart: every token issued so far is unknown; nothing else changes. */
    RESTART {
        @Override
        void inject(MockImds imds) {
            imds.invalidateTokens();
        }
    },
    SERVER_ERROR {
        @Override
        void inject(MockImds imds) {
            imds.setForcedStatus(500);
        }
    },
    UNAVAILABLE {
        @Override
        void inject(MockImds imds) {
            imds.setRetryAfterSeconds(1);
            imds.setForcedStatus(503);
        }
    },
    THROTTLED {
        @Override
        void inject(MockImds imds) {
            imds.setRetryAfterSeconds(1);
            imds.setForcedStatus(429);
        }
    },
    /** HttpEndpoint=disabled: 403 to everything. */
    DISABLED {
        @Override
        void inject(MockImds imds) {
            imds.setEndpointEnabled(false);
        }
    },
    /** Malformed answers: a Content-Length larger than the body, then the connection closes. */
    TRUNCATED {
        @Override
        void inject(MockImds imds) {
            imds.setTruncatedBodies(true);
        }
    },
    /** Malformed token answers: 200 with a proxy's error page where the token should be. */
    MALFORMED_TOKEN {
        @Override
        void inject(MockImds imds) {
            imds.setMalformedTokens(true);
        }
    },
    /**
     * A restart, after which token PUTs get a page that is no token: whoever held a token must
     * fetch one.
     */
    RESTART_THEN_MALFORMED_TOKEN {
        @Override
        void inject(MockImds imds) {
            imds.invalidateTokens();
            imds.setMalformedTokens(true);
        }
    },
    /**
     * Every answer a second late: slower than the agent's token timeout, faster than the
     * application's.
     */
    SLOW {
        @Override
        void inject(MockImds imds) {
            imds.setResponseDelayMillis(1000);
        }
    },
    /** The hop-limit case: token PUTs arrive but their answers never do. */
    TOKEN_BLACK_HOLE {
        @Override
        void inject(MockImds imds) {
            imds.setBlackHoleTokenRequests(true);
        }
    },
    /**
     * A restart, after which token PUTs go unanswered: whoever held a token must fetch one and
     * cannot.
     */
    RESTART_THEN_TOKEN_BLACK_HOLE {
        @Override
        void inject(MockImds imds) {
            imds.invalidateTokens();
            imds.setBlackHoleTokenRequests(true);
        }
    };

    void inject(MockImds imds) {}

    static void healAll(MockImds imds) {
        imds.setForcedStatus(0);
        imds.setRetryAfterSeconds(0);
        imds.setEndpointEnabled(true);
        imds.setTruncatedBodies(false);
        imds.setMalformedTokens(false);
        imds.setResponseDelayMillis(0);
        imds.setBlackHoleTokenRequests(false);
    }
}
