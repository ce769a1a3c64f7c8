package dev.detopt.service.queue;

import java.util.List;

/**
 * Which tasks a lease may take, by the simulator their study names: a worker pod of a simulator's
 * image takes only the tasks of the simulators registered with that image ({@link #only}); any
 * other worker takes every task except those ({@link #except}), which no program of its own can run.
 */
public record SimulatorScope(List<String> only, List<String> except) {
    /** Every task. */
    public static final SimulatorScope ALL = new SimulatorScope(null, List.of());

    public SimulatorScope {
        only = only == null ? null : List.copyOf(only);
        except = List.copyOf(except);
    }

    public static SimulatorScope only(List<String> simulators) {
        return new SimulatorScope(simulators, List.of());
    }

    public static SimulatorScope except(List<String> simulators) {
        return new SimulatorScope(null, simulators);
    }

    /** An SQL condition on the task alias {@code t} (starting with AND), or "" for every task. */
    String predicate() {
        if (only != null) {
            return " AND EXISTS (SELECT 1 FROM studies sc WHERE sc.id = t.study_id AND sc.simulator = ANY (?))";
        }
        return except.isEmpty() ? ""
                : " AND NOT EXISTS (SELECT 1 FROM studies sc WHERE sc.id = t.study_id AND sc.simulator = ANY (?))";
    }

    /** The parameter of {@link #predicate()}, if it has one. */
    String[] parameter() {
        return only != null ? only.toArray(String[]::new) : except.isEmpty() ? null : except.toArray(String[]::new);
    }
}
