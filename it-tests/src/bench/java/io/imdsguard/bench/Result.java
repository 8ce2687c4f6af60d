package io.imdsguard.bench;

import java.util.List;
import java.util.Locale;

/**
 * One line of the results table: a measurement with and without the thing under test, the ratio of
 * their medians, the spread of the paired ratios, and the target it is held against.
 *
 * @param met true or false when there is a target, null when the figure is for information
 */
record Result(
        String section,
        String name,
        String baselineLabel,
        double baseline,
        String valueLabel,
        double value,
        String unit,
        double ratio,
        double ratioLow,
        double ratioHigh,
        int samples,
        String target,
        Boolean met,
        String note) {

    static Result of(
            String section,
            String name,
            String baselineLabel,
            List<Double> baselines,
            String valueLabel,
            List<Double> values,
            String unit,
            String target,
            Double maxRatio,
            String note) {
        List<Double> ratios = Stats.ratios(values, baselines);
        double ratio = Stats.median(ratios);
        return new Result(
                section,
                name,
                baselineLabel,
                Stats.median(baselines),
                valueLabel,
                Stats.median(values),
                unit,
                ratio,
                Stats.quantile(ratios, 0.25),
                Stats.quantile(ratios, 0.75),
                ratios.size(),
                target,
                maxRatio == null ? null : ratio <= maxRatio,
                note);
    }

    String ratioText() {
        return Double.isNaN(ratio) ? "n/a" : String.format(Locale.ROOT, "%.3f", ratio);
    }

    String spreadText() {
        return Double.isNaN(ratioLow)
                ? ""
                : String.format(Locale.ROOT, "%.3f–%.3f", ratioLow, ratioHigh);
    }

    String verdict() {
        return met == null ? "" : met ? "met" : "MISSED";
    }

    static String number(double value) {
        if (Double.isNaN(value)) {
            return "n/a";
        }
        return Math.abs(value) >= 100
                ? String.format(Locale.ROOT, "%.0f", value)
                : String.format(Locale.ROOT, "%.2f", value);
    }
}
