package dev.detopt.model.study;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The one CSV form of a study's history, written alike by the reference runner's CLI and by the
 * service's export, so that the two can be compared with {@code diff}. One row per step; doubles in
 * Java's shortest round-trip form (each parses back to the identical double), NaN and Infinity as
 * Java spells them, an absent value as an empty cell.
 *
 * <p>Columns: {@code step,physics,physics_stderr,cost,penalty,total,gradient_norm,events,events_total,lambda},
 * then {@code theta.<p>} (the design the step simulated), {@code gradient.<p>} and
 * {@code gradient_stderr.<p>} (free parameters), and {@code theta_after.<p>}: the design after the
 * step's update. The last row's {@code theta_after} is the final design, the answer of the study.
 * Last, for the observables the records carry, {@code observable_mean.<o>} then
 * {@code observable_stderr.<o>}: a record made before observables were recorded leaves them empty.
 * After them, for each categorical parameter and choice, {@code probability.<categorical>.<choice>}: the
 * probability the step's events drew that choice with (absent without categoricals).
 */
public final class HistoryCsv {

    private HistoryCsv() {
    }

    /**
     * @param steps      the step records in step order
     * @param finalTheta the design after the last recorded step's update (the study state's θ);
     *                   null leaves the last row's {@code theta_after} cells empty
     */
    public static String write(List<StepRecord> steps, Map<String, Double> finalTheta) {
        Set<String> parameters = new LinkedHashSet<>();
        Set<String> free = new LinkedHashSet<>();
        Set<String> observables = new LinkedHashSet<>();
        Map<String, java.util.List<String>> categoricals = new java.util.LinkedHashMap<>();
        for (StepRecord record : steps) {
            record.categoricals().forEach((name, estimate) -> categoricals.putIfAbsent(name, estimate.choices()));
            parameters.addAll(record.theta().keySet());
            free.addAll(record.gradient().keySet());
            if (record.observables() != null) {
                observables.addAll(record.observables().keySet());
            }
        }
        StringBuilder out = new StringBuilder(256 + steps.size() * 200);
        out.append("step,physics,physics_stderr,cost,penalty,total,gradient_norm,events,events_total,lambda");
        parameters.forEach(name -> out.append(",theta.").append(columnName(name)));
        free.forEach(name -> out.append(",gradient.").append(columnName(name)));
        free.forEach(name -> out.append(",gradient_stderr.").append(columnName(name)));
        parameters.forEach(name -> out.append(",theta_after.").append(columnName(name)));
        observables.forEach(name -> out.append(",observable_mean.").append(columnName(name)));
        observables.forEach(name -> out.append(",observable_stderr.").append(columnName(name)));
        categoricals.forEach((name, choices) -> choices.forEach(choice ->
                out.append(",probability.").append(columnName(name)).append('.').append(columnName(choice))));
        out.append('\n');
        for (int i = 0; i < steps.size(); i++) {
            StepRecord r = steps.get(i);
            Map<String, Double> after = i + 1 < steps.size() ? steps.get(i + 1).theta() : finalTheta;
            out.append(r.step()).append(',').append(r.physics()).append(',').append(r.physicsStderr()).append(',')
                    .append(r.cost()).append(',').append(r.penalty()).append(',').append(r.total()).append(',')
                    .append(r.gradientNorm()).append(',').append(r.events()).append(',').append(r.eventsTotal()).append(',')
                    .append(value(r.lambda()));
            parameters.forEach(name -> out.append(',').append(value(r.theta().get(name))));
            free.forEach(name -> out.append(',').append(value(r.gradient().get(name))));
            free.forEach(name -> out.append(',').append(value(r.gradientStderr().get(name))));
            parameters.forEach(name -> out.append(',').append(after == null ? "" : value(after.get(name))));
            Map<String, StepRecord.ObservableEstimate> estimates = r.observables() == null ? Map.of() : r.observables();
            observables.forEach(name -> out.append(',').append(estimates.containsKey(name) ? value(estimates.get(name).mean()) : ""));
            observables.forEach(name -> out.append(',').append(estimates.containsKey(name) ? value(estimates.get(name).stderr()) : ""));
            categoricals.forEach((name, choices) -> {
                StepRecord.CategoricalEstimate estimate = r.categoricals().get(name);
                for (int k = 0; k < choices.size(); k++) {
                    out.append(',').append(estimate == null ? "" : value(estimate.probabilities().get(k)));
                }
            });
            out.append('\n');
        }
        return out.toString();
    }

    private static String value(Double value) {
        return value == null ? "" : value.toString();
    }

    /** A parameter name as a column name: anything but letters, digits, '_', '.', '-' becomes '_'. */
    static String columnName(String name) {
        return name.replaceAll("[^A-Za-z0-9_.-]", "_");
    }
}
