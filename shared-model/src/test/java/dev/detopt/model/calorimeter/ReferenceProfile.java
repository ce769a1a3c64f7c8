package dev.detopt.model.calorimeter;

import dev.detopt.model.stats.SampleSummary;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * HepEmShow's per-layer profile at one energy, as measured once outside this repository
 * (src/test/resources/reference/README.md): observable → mean and standard error per event, MeV.
 * Rows absorber.0–49, gap.0–49, leakage.front/back/sides, leakage and visible.
 */
record ReferenceProfile(int energyMev, Map<String, Value> values) {
    record Value(double mean, double stderr) {
    }

    /**
     * detopt/reference − 1 of one observable, with the combined standard error of that ratio
     * (detopt's and the reference's relative errors added in quadrature, times the ratio).
     */
    record Deviation(String observable, double detopt, double detoptStderr, double reference, double referenceStderr) {
        double ratio() {
            return detopt / reference;
        }

        double relative() {
            return ratio() - 1;
        }

        double relativeStderr() {
            return ratio() * Math.hypot(detoptStderr / detopt, referenceStderr / reference);
        }
    }

    /** HepEmShow's event count per file (reference/README.md; the CSV holds only means and errors). */
    private static final Map<Integer, Integer> EVENTS = Map.of(10_000, 4_000, 1000, 20_000);

    /** The number of HepEmShow events behind this profile. */
    int events() {
        return EVENTS.get(energyMev);
    }

    /** Reads reference/hepemshow-{energyMev}MeV.csv from the test class path. */
    static ReferenceProfile load(int energyMev) {
        String resource = "/reference/hepemshow-" + energyMev + "MeV.csv";
        Map<String, Value> values = new LinkedHashMap<>();
        try (InputStream in = ReferenceProfile.class.getResourceAsStream(resource)) {
            if (in == null || !EVENTS.containsKey(energyMev)) {
                throw new IllegalArgumentException("no reference profile " + resource);
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String header = reader.readLine();
            if (!"observable,mean_mev,stderr_mev".equals(header)) {
                throw new IllegalStateException(resource + ": unexpected header " + header);
            }
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (line.isBlank()) {
                    continue;
                }
                String[] fields = line.split(",");
                if (fields.length != 3) {
                    throw new IllegalStateException(resource + ": expected 3 fields in " + line);
                }
                values.put(fields[0], new Value(Double.parseDouble(fields[1]), Double.parseDouble(fields[2])));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new ReferenceProfile(energyMev, Map.copyOf(values));
    }

    Value get(String observable) {
        Value value = values.get(observable);
        if (value == null) {
            throw new IllegalArgumentException("the reference has no observable " + observable);
        }
        return value;
    }

    double mean(String observable) {
        return get(observable).mean();
    }

    /** The number of layers (absorber.i rows). */
    int layers() {
        int n = 0;
        while (values.containsKey("absorber." + n)) {
            n++;
        }
        return n;
    }

    /** absorber.i and gap.i whose reference deposit is at least this fraction of the reference's visible energy, absorbers first. */
    List<String> layersHolding(double fractionOfVisible) {
        double threshold = fractionOfVisible * mean("visible");
        List<String> names = new ArrayList<>();
        for (String kind : List.of("absorber.", "gap.")) {
            for (int i = 0; i < layers(); i++) {
                if (mean(kind + i) >= threshold) {
                    names.add(kind + i);
                }
            }
        }
        return names;
    }

    /** detopt's estimate of an observable (a name both share) against the reference. */
    Deviation deviation(SampleSummary detopt, List<String> detoptObservables, String observable) {
        int index = detoptObservables.indexOf(observable);
        if (index < 0) {
            throw new IllegalArgumentException("detopt has no observable " + observable);
        }
        Value reference = get(observable);
        return new Deviation(observable, detopt.mean()[index], detopt.meanStderr()[index], reference.mean(), reference.stderr());
    }
}
