package dev.detopt.model.calorimeter;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.ArrayList;
import java.util.List;

/**
 * Fixed (non-differentiated) settings of the sampling calorimeter. Record components are the JSON
 * fields. The design parameters e, a, g are not here: they are the simulator's parameters.
 *
 * @param layers                 number of absorber+gap layers (default 50)
 * @param transverseSizeMm       side of the square transverse face in mm (default 400); used for
 *                               volumes and cost only: transport is 1-D longitudinal (docs/simulation.md)
 * @param particle               primary: "e-", "e+" or "gamma" (default "e-")
 * @param deltaRays              simulate Møller/Bhabha delta rays above {@code deltaCutMev}; when false the
 *                               full (unrestricted) ionisation loss is continuous (default true)
 * @param photonCutMev           bremsstrahlung photon production threshold; softer photons are a
 *                               continuous loss (default 0.02 MeV)
 * @param deltaCutMev            delta-ray production threshold (default 0.84 MeV)
 * @param electronTrackingCutMev e± below this kinetic energy deposit it where they are (default 1 MeV)
 * @param photonTrackingCutMev   photons below this energy are absorbed (default 0.02 MeV)
 * @param residualRange          true (default): energy that falls below a tracking cut (e± below the cut,
 *                               sub-cut Compton electrons, photons below their cut or at the end of
 *                               their weight) is carried by an
 *                               electron along its residual CSDA range on a straight line, so deposits
 *                               move continuously with the layer boundaries; false: it is deposited at
 *                               the point (Geant4-like), which biases pathwise geometry derivatives
 * @param multipleScattering     e± direction changes by a Gaussian multiple-scattering angle of Highland
 *                               width after every transport step (docs/simulation.md); default false
 */
public record CalorimeterConfig(int layers, double transverseSizeMm, String particle, boolean deltaRays,
                                double photonCutMev, double deltaCutMev, double electronTrackingCutMev,
                                double photonTrackingCutMev, boolean residualRange, boolean multipleScattering) {

    public static final List<String> PARTICLES = List.of("e-", "e+", "gamma");
    /** Lowest e± kinetic energy in the tables; with residualRange the last 10 keV are deposited at the end point. */
    public static final double RESIDUAL_RANGE_FLOOR_MEV = 0.01;
    /** Highest primary energy the tables cover (10 TeV). */
    public static final double MAX_ENERGY_MEV = 1.0e7;

    /**
     * Delta-ray production threshold: the electron energy whose range in PbWO4 is Geant4's default
     * production range cut of 0.7 mm (Geant4 Physics Reference Manual, "Production thresholds"; the
     * value Geant4 prints, and G4HepEm tabulates, for G4_PbWO4). One value for both materials: a cut
     * that changed at the boundaries would make secondary energies jump when a boundary moves
     * through an interaction point (a pathwise bias).
     */
    public static final double GEANT4_ELECTRON_CUT_MEV = 0.84;
    /**
     * Bremsstrahlung production threshold and photon tracking cut (20 keV), one value for both
     * materials. Geant4's 0.7 mm range cut gives 76 keV in PbWO4 and 5.2 keV in liquid argon
     * (Geant4 Physics Reference Manual, "Production thresholds"). What matters for the pathwise
     * derivative is how far a photon at the cut travels: a bremsstrahlung clock that runs out just
     * above the cut emits a photon of at least the cut, one just below leaves that energy with the
     * electron, and a Compton-scattered photon just above the tracking cut flies on where one just
     * below is absorbed. At 0.1 MeV such a photon crosses centimetres of argon (∂/∂e of absorbers
     * 3–10 came out 4% low, docs/simulation.md); at 20 keV its attenuation length in liquid argon is
     * 0.85 mm (Scofield's photo-effect, {@link PhotoelectricCrossSections}), about the range cut, so
     * the flip moves almost nothing.
     */
    public static final double PHOTON_CUT_MEV = 0.02;

    /** Without multiple scattering (the model before it was added). */
    public CalorimeterConfig(int layers, double transverseSizeMm, String particle, boolean deltaRays,
                             double photonCutMev, double deltaCutMev, double electronTrackingCutMev,
                             double photonTrackingCutMev, boolean residualRange) {
        this(layers, transverseSizeMm, particle, deltaRays, photonCutMev, deltaCutMev, electronTrackingCutMev,
                photonTrackingCutMev, residualRange, false);
    }

    public static CalorimeterConfig defaults() {
        return new CalorimeterConfig(50, 400.0, "e-", true, PHOTON_CUT_MEV, GEANT4_ELECTRON_CUT_MEV, 1.0, PHOTON_CUT_MEV, true);
    }

    /** JSON creator: fields left out take their default, so {"layers": 30} is a valid configuration. */
    @JsonCreator
    static CalorimeterConfig fromJson(@JsonProperty("layers") Integer layers,
                                      @JsonProperty("transverseSizeMm") Double transverseSizeMm,
                                      @JsonProperty("particle") String particle,
                                      @JsonProperty("deltaRays") Boolean deltaRays,
                                      @JsonProperty("photonCutMev") Double photonCutMev,
                                      @JsonProperty("deltaCutMev") Double deltaCutMev,
                                      @JsonProperty("electronTrackingCutMev") Double electronTrackingCutMev,
                                      @JsonProperty("photonTrackingCutMev") Double photonTrackingCutMev,
                                      @JsonProperty("residualRange") Boolean residualRange,
                                      @JsonProperty("multipleScattering") Boolean multipleScattering) {
        CalorimeterConfig d = defaults();
        return new CalorimeterConfig(
                layers != null ? layers : d.layers,
                transverseSizeMm != null ? transverseSizeMm : d.transverseSizeMm,
                particle != null ? particle : d.particle,
                deltaRays != null ? deltaRays : d.deltaRays,
                photonCutMev != null ? photonCutMev : d.photonCutMev,
                deltaCutMev != null ? deltaCutMev : d.deltaCutMev,
                electronTrackingCutMev != null ? electronTrackingCutMev : d.electronTrackingCutMev,
                photonTrackingCutMev != null ? photonTrackingCutMev : d.photonTrackingCutMev,
                residualRange != null ? residualRange : d.residualRange,
                multipleScattering != null ? multipleScattering : d.multipleScattering);
    }

    public CalorimeterConfig withLayers(int n) {
        return new CalorimeterConfig(n, transverseSizeMm, particle, deltaRays, photonCutMev, deltaCutMev,
                electronTrackingCutMev, photonTrackingCutMev, residualRange, multipleScattering);
    }

    public CalorimeterConfig withParticle(String p) {
        return new CalorimeterConfig(layers, transverseSizeMm, p, deltaRays, photonCutMev, deltaCutMev,
                electronTrackingCutMev, photonTrackingCutMev, residualRange, multipleScattering);
    }

    public CalorimeterConfig withResidualRange(boolean on) {
        return new CalorimeterConfig(layers, transverseSizeMm, particle, deltaRays, photonCutMev, deltaCutMev,
                electronTrackingCutMev, photonTrackingCutMev, on, multipleScattering);
    }

    public CalorimeterConfig withDeltaRays(boolean on) {
        return new CalorimeterConfig(layers, transverseSizeMm, particle, on, photonCutMev, deltaCutMev,
                electronTrackingCutMev, photonTrackingCutMev, residualRange, multipleScattering);
    }

    public CalorimeterConfig withMultipleScattering(boolean on) {
        return new CalorimeterConfig(layers, transverseSizeMm, particle, deltaRays, photonCutMev, deltaCutMev,
                electronTrackingCutMev, photonTrackingCutMev, residualRange, on);
    }

    /** Human-readable problems; empty when the configuration is valid. */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (layers < 1 || layers > 10_000) {
            problems.add("layers must be between 1 and 10000, was " + layers);
        }
        if (!(transverseSizeMm > 0) || !Double.isFinite(transverseSizeMm)) {
            problems.add("transverseSizeMm must be positive and finite, was " + transverseSizeMm);
        }
        if (particle == null || !PARTICLES.contains(particle)) {
            problems.add("particle must be one of " + PARTICLES + ", was " + particle);
        }
        positiveEnergy(problems, "photonCutMev", photonCutMev);
        positiveEnergy(problems, "deltaCutMev", deltaCutMev);
        positiveEnergy(problems, "electronTrackingCutMev", electronTrackingCutMev);
        if (electronTrackingCutMev < RESIDUAL_RANGE_FLOOR_MEV) {
            problems.add("electronTrackingCutMev must be at least " + RESIDUAL_RANGE_FLOOR_MEV + " MeV, was " + electronTrackingCutMev);
        }
        positiveEnergy(problems, "photonTrackingCutMev", photonTrackingCutMev);
        if (photonTrackingCutMev > photonCutMev) {
            problems.add("photonTrackingCutMev (" + photonTrackingCutMev + ") must not exceed photonCutMev ("
                    + photonCutMev + "): produced photons would be dropped at once");
        }
        return problems;
    }

    private static void positiveEnergy(List<String> problems, String name, double value) {
        if (!(value > 0) || value > 1000.0) {
            problems.add(name + " must be in (0, 1000] MeV, was " + value);
        }
    }

    /** Absorber (PbWO4) volume in cm³ for absorber thickness aMm: layers · a · side². */
    public double absorberVolumeCm3(double aMm) {
        return layers * aMm * transverseSizeMm * transverseSizeMm / 1000.0;
    }

    /** Gap (liquid argon) volume in cm³ for gap thickness gMm: layers · g · side². */
    public double gapVolumeCm3(double gMm) {
        return layers * gMm * transverseSizeMm * transverseSizeMm / 1000.0;
    }

    /** Readout channels: one per active (gap) layer; the 1-D model has no transverse segmentation. */
    public int readoutChannels() {
        return layers;
    }

    /** Total depth in mm. */
    public double depthMm(double aMm, double gMm) {
        return layers * (aMm + gMm);
    }
}
