package io.imdsguard.agent.diagnose;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A place in the application that fetches IMDSv2 tokens: how many it fetched, and how many v2 reads
 * followed them on the same thread (the reads a token was fetched for).
 */
final class TokenSite {

    final String site;
    final String siteTag;
    final String client;
    final AtomicLong tokens = new AtomicLong();
    final AtomicLong reads = new AtomicLong();
    final AtomicBoolean churning = new AtomicBoolean();

    TokenSite(String site, String siteTag, String client) {
        this.site = site;
        this.siteTag = siteTag;
        this.client = client;
    }
}
