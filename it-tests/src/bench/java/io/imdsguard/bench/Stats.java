package io.imdsguard.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Medians and quartiles of small samples: robust against the odd slow run of a busy machine. */
final class Stats {

    private Stats() {}

    static double median(List<Double> values) {
        return quantile(values, 0.5);
    }

    /** Linear interpolation between the closest ranks. */
    static double quantile(List<Double> values, double q) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        double position = q * (sorted.size() - 1);
        int below = (int) Math.floor(position);
        int above = (int) Math.ceil(position);
        return sorted.get(below) + (sorted.get(above) - sorted.get(below)) * (position - below);
    }

    static double min(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    }

    static double max(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }

    /** Element-wise ratios of paired runs (the same round or repetition). */
    static List<Double> ratios(List<Double> values, List<Double> baselines) {
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; i < Math.min(values.size(), baselines.size()); i++) {
            ratios.add(values.get(i) / baselines.get(i));
        }
        return ratios;
    }
}
