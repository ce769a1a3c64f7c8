package dev.detopt.model.study;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Expands observable names and prefix patterns ({@code gap.*}) against a simulator's observables. */
public final class ObservableSelection {
    private ObservableSelection() {
    }

    public static boolean isPattern(String selector) {
        return selector.endsWith("*");
    }

    /** Observables one selector picks, in simulator order (empty when it picks none). */
    public static List<String> matches(String selector, List<String> observables) {
        if (!isPattern(selector)) {
            return observables.contains(selector) ? List.of(selector) : List.of();
        }
        String prefix = selector.substring(0, selector.length() - 1);
        return observables.stream().filter(name -> name.startsWith(prefix)).toList();
    }

    /**
     * Indices of the observables the selectors pick, selector by selector, each in simulator order.
     *
     * @throws IllegalArgumentException if a selector picks nothing or an observable is picked twice
     */
    public static int[] expand(List<String> selectors, List<String> observables) {
        Set<String> picked = new LinkedHashSet<>();
        List<Integer> indices = new ArrayList<>();
        for (String selector : selectors) {
            List<String> matched = matches(selector, observables);
            if (matched.isEmpty()) {
                throw new IllegalArgumentException("selector '" + selector + "' matches no observable");
            }
            for (String name : matched) {
                if (!picked.add(name)) {
                    throw new IllegalArgumentException("observable '" + name + "' is selected twice");
                }
                indices.add(observables.indexOf(name));
            }
        }
        return indices.stream().mapToInt(Integer::intValue).toArray();
    }
}
