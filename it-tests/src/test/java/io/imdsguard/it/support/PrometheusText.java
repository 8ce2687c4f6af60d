package io.imdsguard.it.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A scrape of a Prometheus endpoint, read as Prometheus would read it. */
public final class PrometheusText {

    private static final Pattern SAMPLE =
            Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})?\\s+(\\S+)$");
    private static final Pattern LABEL =
            Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    private final String text;

    private PrometheusText(String text) {
        this.text = text;
    }

    public static PrometheusText scrape(String url) throws IOException, InterruptedException {
        HttpResponse<String> response =
                HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(URI.create(url))
                                        .timeout(Duration.ofSeconds(10))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new AssertionError("scrape of " + url + " answered " + response.statusCode());
        }
        return new PrometheusText(response.body());
    }

    /**
     * Text in the Prometheus format from elsewhere, e.g. an application that printed its own
     * scrape.
     */
    public static PrometheusText of(String text) {
        return new PrometheusText(text);
    }

    public String text() {
        return text;
    }

    /** The labels every agent meter carries (common tags): left out of {@link #samples} keys. */
    public static final java.util.Set<String> COMMON_LABELS = java.util.Set.of("service", "host");

    /**
     * Every sample of {@code metric}, keyed by its sorted labels rendered as {@code k=v,k=v},
     * without the common labels {@code service} and {@code host}; see {@link
     * #samplesWithAllLabels}.
     */
    public Map<String, Double> samples(String metric) {
        return samples(metric, COMMON_LABELS);
    }

    /** Every sample of {@code metric}, keyed by all of its sorted labels. */
    public Map<String, Double> samplesWithAllLabels(String metric) {
        return samples(metric, java.util.Set.of());
    }

    private Map<String, Double> samples(String metric, java.util.Set<String> left) {
        Map<String, Double> samples = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            Matcher m = SAMPLE.matcher(line.trim());
            if (!m.matches() || !m.group(1).equals(metric)) {
                continue;
            }
            Map<String, String> labels = new TreeMap<>();
            if (m.group(3) != null) {
                Matcher l = LABEL.matcher(m.group(3));
                while (l.find()) {
                    if (!left.contains(l.group(1))) {
                        labels.put(l.group(1), l.group(2));
                    }
                }
            }
            StringBuilder key = new StringBuilder();
            labels.forEach(
                    (k, v) ->
                            key.append(key.length() == 0 ? "" : ",")
                                    .append(k)
                                    .append('=')
                                    .append(v));
            samples.put(key.toString(), Double.parseDouble(m.group(4)));
        }
        return samples;
    }
}
