package dev.detopt.model.calorimeter;

import dev.detopt.model.ad.Tangents;

import java.util.Arrays;

import static dev.detopt.model.calorimeter.PhysicsConstants.ELECTRON_MASS_MEV;

/**
 * Transports one electromagnetic shower through the absorber/gap stack and records the energy
 * deposited per region and the leakage, each with n forward-mode tangents (n = 0 is the plain
 * primal simulation that finite differences use).
 *
 * <p>Model (docs/simulation.md): 1-D longitudinal transport along straight tracks; a particle has a
 * depth z and a direction cosine w. Region r is absorber layer r/2 (r even) or gap layer r/2 (r odd);
 * boundaries are linear in a and g, so their tangents are exact integers times the seeds.
 * Photons run one exponential clock for Compton scattering and one for pair production and are
 * absorbed continuously by the photo-effect (implicit capture: a statistical weight that every
 * deposit and every secondary carries); e± follow range and mean-free-path tables. So every
 * distance, energy and deposit is a continuous, piecewise-smooth function of (e, a, g) for fixed
 * random numbers except where a discrete outcome flips (docs/simulation.md lists what is left).
 * All sampling is by inversion (Newton on the analytic CDF, or for bremsstrahlung a bilinear
 * table of it, derivative by the implicit-function theorem), so the random numbers an interaction
 * consumes never depend on θ.
 *
 * <p>Random numbers: each particle owns a SplitMix64 substream (the algorithm of
 * {@link java.util.SplittableRandom}) seeded from its parent's stream; the primary's seed comes from
 * the event's {@code L64X128MixRandom}. A changed discrete decision therefore only changes the
 * particle's own subtree, which keeps common-random-number finite differences usable.
 *
 * <p>Tangent storage is struct-of-arrays: values are doubles, tangents live in primitive arrays
 * (per particle, n entries) and are updated with {@link Tangents} kernels. Thread-confined; the
 * event loop allocates nothing once the particle stack has grown to its working size.
 */
final class ShowerTransport {
    static final int ELECTRON = 0;
    static final int POSITRON = 1;
    static final int PHOTON = 2;

    private static final long GOLDEN = 0x9E3779B97F4A7C15L;
    private static final double TWO_MASS = 2 * ELECTRON_MASS_MEV;
    private static final double LN_ELECTRON_MASS = Math.log(ELECTRON_MASS_MEV);

    private final int layers;
    private final int regions;
    private final int n;
    private final boolean tangents;
    private final MaterialTables tables;
    private final double photonCut;
    private final double deltaCut;
    private final boolean deltaRays;
    private final double electronCut;
    private final double photonTrackingCut;
    private final boolean residualRange;
    private final boolean residualRangeShortcuts;
    /** Split a scattering photon on its way out of the stack (see {@link #forcedCollision}). */
    private final boolean forcedCollisions;
    private final double[] interactionD;
    private final double[] splitD;
    private final double[] exitWeightD;
    /**
     * Simulates the other side of a jump on a face: an e± range end ({@link #bookRangeEndAtFace}) or
     * a deflection point ({@link #bookDeflectionAtFace}); null without tangents.
     */
    private final ShowerTransport otherSideOfFace;
    /** With false the tangents leave out {@link #bookDeflectionAtFace}'s jump term (the tests' control). */
    boolean deflectionJumps = true;
    private final double[] jumpD;
    /** e± stop at this kinetic energy and deposit the rest at the end point. */
    private final double stopEnergy;
    private final int primaryType;
    /** Optional multiple scattering of e± (config flag; off keeps the straight-track model). */
    private final boolean multipleScattering;
    /** Radiation length of each material in mm (absorber, gap). */
    private final double[] radiationLengthMm = new double[2];
    /** The tracked e±'s own substream for scattering: the first point, then two uniforms per deflection, in order. */
    private long scatteringRng;
    /** Radiation lengths left before the next deflection, with tangents. */
    private double scatteringClock;
    private final double[] scatteringClockD;
    /** Tangent of the kinetic energy at the start of the current e± step. */
    private final double[] stepStartEnergyD;

    /** Tangent of e, a and g with respect to each differentiated parameter (unit vectors). */
    private final double[] seedE;
    private final double[] seedA;
    private final double[] seedG;

    private double a;
    private double g;

    // results of the last event
    final double[] deposit;
    final double[] depositTangent;
    double leakage;
    final double[] leakageTangent;
    /** Positrons that annihilated in flight in the last event, and how many of them below the tables' lowest energy (tests). */
    int inFlightAnnihilations;
    int annihilationsBelowTable;
    /** e± whose range ended within the window of a face in the last event ({@link #bookRangeEndAtFace}; tests). */
    int rangeEndsOnFace;
    /** e± whose deflection point lay within the window of a face they were heading for, and turned back there (tests). */
    int deflectionsTurningOnFace;

    // particle stack, struct of arrays
    private int size;
    private int[] stackType = new int[64];
    private int[] stackRegion = new int[64];
    private long[] stackSeed = new long[64];
    private double[] stackEnergy = new double[64];
    private double[] stackZ = new double[64];
    private double[] stackW = new double[64];
    private double[] stackEnergyTangent;
    private double[] stackZTangent;
    private double[] stackWTangent;
    private double[] stackWeight = new double[64];
    private double[] stackWeightTangent;

    // the particle being tracked
    private int region;
    private long rng;
    private double t;
    private double z;
    private double w;
    /**
     * Statistical weight (implicit capture of photons): the fraction of the particle that is still
     * transported; every deposit and leakage counts weight × energy. Secondaries inherit it.
     */
    private double weight;
    private final double[] weightD;
    /**
     * e±: mean free paths left before the next bremsstrahlung [0], delta ray [1] and (positrons)
     * annihilation in flight [2], with tangents (n per process).
     */
    private final double[] chargedClock = new double[ChargedTable.PROCESSES];
    private final double[] chargedClockD;
    /** The discrete processes of electrons and of positrons, in the order their clocks are drawn. */
    private final int[] electronProcesses;
    private final int[] positronProcesses;
    private final double[] tD;
    private final double[] zD;
    private final double[] wD;

    // scratch tangents
    /** Edge positions for the current a, g, and their (constant) tangents, n per edge. */
    private final double[] edges;
    private final double[] edgeTangents;
    private int exitEdge;
    private final double[] sD;
    private final double[] xD;
    private final double[] yD;
    private final double[] cD;
    private final double[] rotD;
    private final double[] rot2D;
    private final double[] tauD;
    private final double[] tauAbsorberD;
    private final double[] tauGapD;
    /** Annihilation scratch: the positron's energy where it annihilates, the two photons' energies, a clock's remainder. */
    private final double[] annihilationD;
    private final double[] photonD;
    private final double[] secondPhotonD;
    private final double[] clockLeftD;

    /** ln ε of the last Compton sample (the photon's energy falls by this in ln E). */
    private double lastLogSample;
    /** Derivative of the last sample with respect to the energy it was sampled at. */
    private double sampleSlope;

    ShowerTransport(CalorimeterConfig config, MaterialTables tables, int[] differentiated) {
        this(config, tables, differentiated, true, true);
    }

    ShowerTransport(CalorimeterConfig config, MaterialTables tables, int[] differentiated, boolean residualRangeShortcuts) {
        this(config, tables, differentiated, residualRangeShortcuts, true);
    }

    /**
     * With {@code residualRangeShortcuts} false every sub-cut electron is stacked and tracked, never
     * deposited at once: the tests compare the two, which must give the same deposits. With
     * {@code forcedCollisions} false a photon leaving the stack is not split (the tests' control).
     */
    ShowerTransport(CalorimeterConfig config, MaterialTables tables, int[] differentiated, boolean residualRangeShortcuts,
                    boolean forcedCollisions) {
        this(config, tables, differentiated, residualRangeShortcuts, forcedCollisions, true);
    }

    /**
     * With {@code rangeEndJumps} false the tangents leave out the jump terms on the faces of the stack,
     * {@link #bookRangeEndAtFace}'s and {@link #bookDeflectionAtFace}'s (the tests' control).
     */
    ShowerTransport(CalorimeterConfig config, MaterialTables tables, int[] differentiated, boolean residualRangeShortcuts,
                    boolean forcedCollisions, boolean rangeEndJumps) {
        this.residualRangeShortcuts = residualRangeShortcuts;
        this.forcedCollisions = forcedCollisions;
        this.layers = config.layers();
        this.regions = 2 * layers;
        this.n = differentiated.length;
        this.tangents = n > 0;
        this.tables = tables;
        this.photonCut = config.photonCutMev();
        this.deltaCut = config.deltaCutMev();
        this.deltaRays = config.deltaRays();
        this.electronCut = config.electronTrackingCutMev();
        this.photonTrackingCut = config.photonTrackingCutMev();
        this.residualRange = config.residualRange();
        this.electronProcesses = config.deltaRays()
                ? new int[]{ChargedTable.BREMSSTRAHLUNG, ChargedTable.DELTA_RAY}
                : new int[]{ChargedTable.BREMSSTRAHLUNG};
        this.positronProcesses = config.deltaRays()
                ? new int[]{ChargedTable.BREMSSTRAHLUNG, ChargedTable.DELTA_RAY, ChargedTable.ANNIHILATION}
                : new int[]{ChargedTable.BREMSSTRAHLUNG, ChargedTable.ANNIHILATION};
        this.stopEnergy = tables.electron[0].lowestEnergy;
        this.multipleScattering = config.multipleScattering();
        for (int m = 0; m < 2; m++) {
            radiationLengthMm[m] = tables.physics[m].material().radiationLengthMm();
        }
        this.primaryType = switch (config.particle()) {
            case "e-" -> ELECTRON;
            case "e+" -> POSITRON;
            case "gamma" -> PHOTON;
            default -> throw new IllegalArgumentException("unknown particle " + config.particle());
        };
        seedE = new double[n];
        seedA = new double[n];
        seedG = new double[n];
        for (int k = 0; k < n; k++) {
            switch (differentiated[k]) {
                case 0 -> seedE[k] = 1;
                case 1 -> seedA[k] = 1;
                case 2 -> seedG[k] = 1;
                default -> throw new IllegalArgumentException("no parameter " + differentiated[k]);
            }
        }
        deposit = new double[regions];
        depositTangent = new double[regions * n];
        leakageTangent = new double[n];
        stackEnergyTangent = new double[64 * n];
        stackZTangent = new double[64 * n];
        stackWTangent = new double[64 * n];
        stackWeightTangent = new double[64 * n];
        weightD = new double[n];
        tauD = new double[n];
        tauAbsorberD = new double[n];
        tauGapD = new double[n];
        tD = new double[n];
        zD = new double[n];
        wD = new double[n];
        chargedClockD = new double[ChargedTable.PROCESSES * n];
        stepStartEnergyD = new double[n];
        scatteringClockD = new double[n];
        clockD = new double[CLOCKS * n];
        edges = new double[regions + 1];
        edgeTangents = new double[(regions + 1) * n];
        for (int b = 0; b <= regions; b++) {
            int absorbers = (b + 1) >> 1;
            int gaps = b >> 1;
            for (int k = 0; k < n; k++) {
                edgeTangents[b * n + k] = absorbers * seedA[k] + gaps * seedG[k];
            }
        }
        sD = new double[n];
        xD = new double[n];
        yD = new double[n];
        cD = new double[n];
        rotD = new double[n];
        rot2D = new double[n];
        annihilationD = new double[n];
        photonD = new double[n];
        secondPhotonD = new double[n];
        clockLeftD = new double[n];
        interactionD = new double[n];
        splitD = new double[n];
        exitWeightD = new double[n];
        jumpD = new double[n];
        otherSideOfFace = tangents && rangeEndJumps
                ? new ShowerTransport(config, tables, new int[0], residualRangeShortcuts, forcedCollisions)
                : null;
    }

    /** d(sample)/d(energy) of the last sample* call (κ for Compton); for tests. */
    double lastSampleSlope() {
        return sampleSlope;
    }

    int tangentCount() {
        return n;
    }

    /** Simulates one primary of kinetic energy e into a stack with absorber a and gap g (mm). */
    void simulate(double e, double a, double g, long seed) {
        startEvent(a, g);
        // primary at z = 0 along +z; its energy's tangent is the seed of e
        t = e;
        Tangents.copy(seedE, 0, tD, 0, n);
        z = 0;
        Tangents.zero(zD, 0, n);
        w = 1;
        Tangents.zero(wD, 0, n);
        weight = 1;
        Tangents.zero(weightD, 0, n);
        region = 0;
        push(primaryType, seed);
        transportStack();
    }

    private void startEvent(double a, double g) {
        this.a = a;
        this.g = g;
        for (int b = 0; b <= regions; b++) {
            edges[b] = ((b + 1) >> 1) * a + (b >> 1) * g;
        }
        Arrays.fill(deposit, 0.0);
        Arrays.fill(depositTangent, 0.0);
        leakage = 0.0;
        Arrays.fill(leakageTangent, 0.0);
        inFlightAnnihilations = 0;
        annihilationsBelowTable = 0;
        rangeEndsOnFace = 0;
        deflectionsTurningOnFace = 0;
        size = 0;
    }

    private void transportStack() {
        while (size > 0) {
            int type = pop();
            if (!enterNonEmptyRegion(type)) {
                continue;
            }
            if (type == PHOTON) {
                trackPhoton();
            } else {
                trackCharged(type == POSITRON);
            }
        }
    }

    // ---------------------------------------------------------------- geometry

    /** Position of edge b (0 … regions): b = 2i is the front of layer i, 2i+1 its absorber/gap interface. */
    private double edge(int b) {
        return edges[b];
    }

    /** Skips zero-thickness regions along w; false (after booking leakage) if the particle left the stack. */
    private boolean enterNonEmptyRegion(int type) {
        while (region >= 0 && region < regions && edges[region + 1] <= edges[region]) {
            region += w >= 0 ? 1 : -1;
        }
        if (region < 0 || region >= regions) {
            leak(type);
            return false;
        }
        return true;
    }

    /**
     * Distance along the track to the region's exit edge (remembered in exitEdge); infinite for
     * w = 0. Its tangent, needed only when the particle does reach the edge, is
     * {@link #boundaryDistanceTangent}.
     */
    private double boundaryDistance() {
        if (w > 0) {
            exitEdge = region + 1;
        } else if (w < 0) {
            exitEdge = region;
        } else {
            exitEdge = -1;
            return Double.POSITIVE_INFINITY;
        }
        return Math.max(0.0, (edges[exitEdge] - z) / w);
    }

    /** Tangent of the boundary distance s into sD: (dz_edge − dz − s·dw) / w. */
    private void boundaryDistanceTangent(double s) {
        if (!tangents) {
            return;
        }
        if (exitEdge < 0) {
            Tangents.zero(sD, 0, n);
            return;
        }
        double invW = 1 / w;
        int o = exitEdge * n;
        for (int k = 0; k < n; k++) {
            sD[k] = (edgeTangents[o + k] - zD[k] - s * wD[k]) * invW;
        }
    }

    /** Moves onto the exit edge found by {@link #boundaryDistance} and into the next region. */
    private void crossBoundary() {
        moveToEdge(exitEdge);
        region += w > 0 ? 1 : -1;
    }

    private void moveToEdge(int b) {
        z = edges[b];
        Tangents.copy(edgeTangents, b * n, zD, 0, n);
    }

    /** Deposits weight × energy in the current region (product rule for the tangents). */
    private void depositHere(double energy, double[] energyD) {
        deposit[region] += weight * energy;
        if (tangents) {
            int o = region * n;
            for (int k = 0; k < n; k++) {
                depositTangent[o + k] += weight * energyD[k] + energy * weightD[k];
            }
        }
    }

    private void leak(int type) {
        double energy = type == POSITRON ? t + TWO_MASS : t;
        leakage += weight * energy;
        for (int k = 0; k < n; k++) {
            leakageTangent[k] += weight * tD[k] + energy * weightD[k];
        }
    }

    // ---------------------------------------------------------------- photons

    /**
     * Photon transport with implicit capture. Compton scattering and pair production each run an
     * exponential clock (mean free paths left, consumed at the process's rate in the current
     * material); the first to run out fires. The photo-effect is not a discrete event: along every
     * straight segment of optical depth τ = Σ_photo·L the photon's weight falls by e^−τ and the
     * segment's region receives weight·E·(1 − e^−τ), which is continuous in the boundary positions
     * and in E. With one clock per process and no choice at the interaction point, moving a
     * boundary through an interaction point changes no process (docs/simulation.md). Where its weight
     * reaches {@link #WEIGHT_FLOOR} the photon stops scattering, and the photo-effect takes the rest
     * along its straight line.
     */
    private void trackPhoton() {
        if (t < photonTrackingCut) {
            absorbPhoton();
            return;
        }
        photonCrossSections(Math.log(t));
        newClocks();
        // a photon born at or below the floor (from a particle past it) starts past it
        boolean scattering = weight > WEIGHT_FLOOR;
        if (scattering) {
            photoDepthLeft = Math.log(weight / WEIGHT_FLOOR);
        } else if (!goesOnPastTheFloor()) {
            return;
        }
        while (true) {
            int m = region & 1;
            int fired = -1;
            double interaction = Double.POSITIVE_INFINITY;
            for (int c = 0; c < CLOCKS; c++) {
                double sigma = clockSigma[m * CLOCKS + c];
                if (sigma > 0) {
                    double distance = clock[c] / sigma;
                    if (distance < interaction) {
                        interaction = distance;
                        fired = c;
                    }
                }
            }
            double boundary = boundaryDistance();
            double photo = photoSigma[m];
            // where the weight would reach the floor: e^−Σ·s = floor/weight
            double end = photo > 0 ? Math.max(0.0, photoDepthLeft) / photo : Double.POSITIVE_INFINITY;
            if (scattering && forcedCollisions && fired >= 0 && boundary < Double.POSITIVE_INFINITY && leavesStackAtExitEdge()) {
                int outcome = forcedCollision(m, fired, interaction, boundary);
                if (outcome == PHOTON_GONE) {
                    return;
                }
                if (outcome == PHOTON_PAST_FLOOR) {
                    scattering = false;
                    if (!goesOnPastTheFloor()) {
                        return;
                    }
                }
                continue;
            }
            if (end < interaction && end < boundary) {
                if (tangents) {
                    // s = ln(weight/floor)/Σ: ds = (dweight/weight − s·Σ'·dE) / Σ
                    double invPhoto = 1 / photo;
                    double invWeight = 1 / weight;
                    double slope = photoSigmaPerEnergy[m];
                    for (int k = 0; k < n; k++) {
                        sD[k] = (weightD[k] * invWeight - end * slope * tD[k]) * invPhoto;
                    }
                }
                absorbAlongSegment(m, end);
                moveAlongTrack(end);
                if (scattering) {
                    // The weight is the floor now (its tangent vanishes analytically). The photon no
                    // longer scatters: the photo-effect takes the rest of its weight along its straight
                    // line. Ending it here, a point whose tangent grows as 1/Σ_pe (10³ larger in argon
                    // than in PbWO4), gave the largest tangents of all (docs/simulation.md).
                    scattering = false;
                    weight = WEIGHT_FLOOR;
                    Tangents.zero(weightD, 0, n);
                    goesOnPastTheFloor();
                    continue;
                }
                weight = LAST_WEIGHT;
                Tangents.zero(weightD, 0, n);
                absorbPhoton();
                return;
            }
            if (interaction < boundary) {
                if (tangents) {
                    firingPointTangent(m, fired, interaction, sD);
                }
                absorbAlongSegment(m, interaction);
                moveAlongTrack(interaction);
                if (fired == PAIR_CLOCK) {
                    pairProduction();
                    return;
                }
                // The pair clock runs on through the scattering (memoryless, so its remainder is as
                // good as a new draw): where it runs out just after the Compton clock the photon still
                // converts about there, instead of a new pair clock deciding afresh, which made the
                // race of the two clocks a large flip (docs/simulation.md, "Clocks that run on").
                consumeClock(PAIR_CLOCK, m, interaction);
                if (!comptonScattering()) {
                    return;
                }
                photonCrossSections(lnPhotonEnergy + lastLogSample);
                newComptonClock();
            } else {
                boundaryDistanceTangent(boundary);
                absorbAlongSegment(m, boundary);
                consumeClocks(m, boundary);
                crossBoundary();
                if (!enterNonEmptyRegion(PHOTON)) {
                    return;
                }
                skipWholePeriods();
            }
        }
    }

    /**
     * A photon at or below {@link #WEIGHT_FLOOR} stops scattering and goes on along its line, losing
     * weight to the photo-effect down to {@link #LAST_WEIGHT}; false (the photon absorbed here) if
     * it is already there.
     */
    private boolean goesOnPastTheFloor() {
        stopScattering();
        if (!(weight > LAST_WEIGHT)) {
            absorbPhoton();
            return false;
        }
        photoDepthLeft = Math.log(weight / LAST_WEIGHT);
        return true;
    }

    /** Tangent of the distance s = η_f/Σ_f at which clock f fires in material m: (dη_f − s·Σ_f'·dE)/Σ_f. */
    private void firingPointTangent(int m, int fired, double s, double[] out) {
        int firedIndex = m * CLOCKS + fired;
        double invSigma = 1 / clockSigma[firedIndex];
        double firedSlope = clockSigmaPerEnergy[firedIndex];
        int fo = fired * n;
        for (int k = 0; k < n; k++) {
            out[k] = (clockD[fo + k] - s * firedSlope * tD[k]) * invSigma;
        }
    }

    private static final int PHOTON_GONE = 0;
    private static final int PHOTON_SCATTERING = 1;
    private static final int PHOTON_PAST_FLOOR = 2;

    /** Whether no non-empty region lies beyond the exit edge {@link #boundaryDistance} found. */
    private boolean leavesStackAtExitEdge() {
        return exitEdge >= 0 && isFaceOfStack(exitEdge, w > 0);
    }

    /** Whether no non-empty region lies beyond edge b in the direction of travel (+z when forward). */
    private boolean isFaceOfStack(int b, boolean forward) {
        return forward ? edges[b] >= edges[regions] : edges[b] <= edges[0];
    }

    /**
     * Forced collision (the weight-splitting technique of photon transport codes: I. Lux and L.
     * Koblinger, Monte Carlo Particle Transport Methods, CRC Press 1991) of a scattering photon
     * whose straight line leaves the stack through this region's exit edge, a distance s_b away
     * (τ = Σ·s_b, Σ = Σ_Compton + Σ_pair, P = 1 − e^−τ the chance to interact before it). Unsplit, a
     * photon whose clocks run out just inside the face keeps its products in the stack and one whose
     * clocks run out just beyond it loses all: a jump pathwise derivatives cannot see
     * (docs/simulation.md, "The leakage's bias"). Here the clocks' own first firing point s* (x = Σ·s*,
     * exponential) decides continuously: the share f = exp(−x·e^−τ/P) of the weight interacts, at
     * s' = −ln(e^−τ + P·e^−x/P)/Σ, and the rest flies out, losing only the photo-effect on the way.
     * f and s' are 1 and 0 at x = 0 (as a photon firing just before it entered the region) and go to
     * 0 and s_b as x grows (as one leaving), and over x the interacting weight is spread over [0, s_b)
     * with density Σ·e^−Σs, the leaving weight is e^−τ: the expectation of every deposit is the
     * unsplit one. The process is the clock that fires first and the other runs on with its
     * remainder at s*, as without the split; no random number is added. Returns what is left of the
     * photon.
     */
    private int forcedCollision(int m, int fired, double firstFiring, double boundary) {
        int compton = m * CLOCKS + COMPTON_CLOCK;
        int pair = m * CLOCKS + PAIR_CLOCK;
        double sigma = clockSigma[compton] + clockSigma[pair];
        double sigmaPerEnergy = clockSigmaPerEnergy[compton] + clockSigmaPerEnergy[pair];
        boundaryDistanceTangent(boundary);
        double tau = sigma * boundary;
        double interacting = -Math.expm1(-tau);
        double leaving = Math.exp(-tau);
        // the first firing point s* and its tangent (what the unsplit photon would use)
        firingPointTangent(m, fired, firstFiring, interactionD);
        double x = sigma * firstFiring;
        double ratio = leaving / interacting;
        double shareInteracting = interacting > 0 ? Math.exp(-x * ratio) : 0.0;
        double shareLeaving = interacting > 0 ? -Math.expm1(-x * ratio) : 1.0;
        double tail = interacting > 0 ? Math.exp(-x / interacting) : 0.0;
        double inside = leaving + interacting * tail;
        double forced = interacting > 0 ? -Math.log(inside) / sigma : boundary;
        // tangents: dτ = Σ·ds_b + s_b·Σ'·dE, dP = e^−τ·dτ, d(e^−τ/P) = −e^−τ·dτ/P², dx = Σ'·dE·s* + Σ·ds*
        for (int k = 0; k < n; k++) {
            double dSigma = sigmaPerEnergy * tD[k];
            double dTau = sigma * sD[k] + boundary * dSigma;
            double dX = dSigma * firstFiring + sigma * interactionD[k];
            if (interacting > 0) {
                double dRatio = -leaving * dTau / (interacting * interacting);
                splitD[k] = -shareInteracting * (dX * ratio + x * dRatio);            // d(share interacting)
                double dInside = leaving * dTau * (tail - 1) + tail * (-dX + x * leaving * dTau / interacting);
                xD[k] = -dInside / (inside * sigma) - forced * dSigma / sigma;         // ds'
            } else {
                splitD[k] = 0.0;
                xD[k] = sD[k];
            }
            exitWeightD[k] = weightD[k];
        }
        double whole = weight;
        // the leaving share: the photo-effect along s_b, then out
        weight = whole * shareLeaving;
        for (int k = 0; k < n; k++) {
            weightD[k] = exitWeightD[k] * shareLeaving - whole * splitD[k];
        }
        double depthLeft = photoDepthLeft;
        absorbAlongSegment(m, boundary);
        photoDepthLeft = depthLeft;
        leak(PHOTON);
        weight = whole * shareInteracting;
        for (int k = 0; k < n; k++) {
            weightD[k] = exitWeightD[k] * shareInteracting + whole * splitD[k];
        }
        if (!(shareInteracting > 0)) {
            return PHOTON_GONE;
        }
        // the other clock runs on with its remainder at s*
        int other = fired == COMPTON_CLOCK ? PAIR_CLOCK : COMPTON_CLOCK;
        if (clock[other] < Double.POSITIVE_INFINITY) {
            Tangents.copy(interactionD, 0, sD, 0, n);
            consumeClock(other, m, firstFiring);
        }
        Tangents.copy(xD, 0, sD, 0, n);
        absorbAlongSegment(m, forced);
        moveAlongTrack(forced);
        if (fired == PAIR_CLOCK) {
            pairProduction();
            return PHOTON_GONE;
        }
        if (!comptonScattering()) {
            return PHOTON_GONE;
        }
        photonCrossSections(lnPhotonEnergy + lastLogSample);
        newComptonClock();
        if (!(weight > WEIGHT_FLOOR)) {
            return PHOTON_PAST_FLOOR;
        }
        photoDepthLeft = Math.log(weight / WEIGHT_FLOOR);
        return PHOTON_SCATTERING;
    }

    /**
     * Photons stop scattering where their weight falls to this fraction (implicit capture); the rest
     * of their weight is absorbed along their line ({@link #LAST_WEIGHT}). It only moves a few per cent of a soft photon's
     * energy by about one photo-effect length (mean visible energy at 10 GeV: +0.2 MeV of 2700
     * against a floor of 1e-3), and each factor of 10 lower costs every soft photon ~ln 10·Σ_C/Σ_pe
     * more Compton scatterings: 1e-3 ran 12% slower (docs/performance.md).
     */
    static final double WEIGHT_FLOOR = 0.05;
    /**
     * Past the floor the photon only loses weight to the photo-effect along its line, down to this
     * weight, whose energy (5·10⁻⁴ of the photon's) goes to an electron at that point.
     */
    static final double LAST_WEIGHT = WEIGHT_FLOOR * 1e-2;

    private static final int COMPTON_CLOCK = 0;
    private static final int PAIR_CLOCK = 1;
    private static final int CLOCKS = 2;
    /** Σ per [material · CLOCKS + clock] at the photon energy, and dΣ/dE. */
    private final double[] clockSigma = new double[2 * CLOCKS];
    private final double[] clockSigmaPerEnergy = new double[2 * CLOCKS];
    /** Photo-effect Σ per material at the photon energy, and dΣ/dE. */
    private final double[] photoSigma = new double[2];
    private final double[] photoSigmaPerEnergy = new double[2];
    /** ln t of the photon, as of the last {@link #photonCrossSections}. */
    private double lnPhotonEnergy;
    /** Photo-effect optical depth the current photon has left before its weight reaches the floor. */
    private double photoDepthLeft;

    /** Mean free paths left per photon clock, and their tangents (n per clock). */
    private final double[] clock = new double[CLOCKS];
    private double[] clockD;

    /**
     * Fresh clocks at the current cross sections. Below the pair threshold (the energy only falls)
     * the pair clock can never fire: its uniform is drawn all the same, so the photon's later
     * numbers do not depend on the threshold, but not turned into a clock.
     */
    private void newClocks() {
        for (int c = 0; c < CLOCKS; c++) {
            double u = uniform();
            boolean possible = clockSigma[c] > 0 || clockSigma[CLOCKS + c] > 0;
            clock[c] = possible ? -Math.log(u) : Double.POSITIVE_INFINITY;
            Tangents.zero(clockD, c * n, n);
        }
    }

    /** Cross sections at the current energy t, whose logarithm is lnE. */
    private void photonCrossSections(double lnE) {
        lnPhotonEnergy = lnE;
        int bin = tables.photon[0].bin(lnE);
        double invT = 1 / t;
        for (int m = 0; m < 2; m++) {
            PhotonTable table = tables.photon[m];
            double dLn = lnE - table.lnEnergy[bin];
            int o = m * CLOCKS;
            photoSigma[m] = Math.max(0.0, table.photoelectric[bin] + dLn * table.photoelectricSlope[bin]);
            photoSigmaPerEnergy[m] = photoSigma[m] > 0 ? table.photoelectricSlope[bin] * invT : 0.0;
            clockSigma[o + COMPTON_CLOCK] = table.compton[bin] + dLn * table.comptonSlope[bin];
            clockSigmaPerEnergy[o + COMPTON_CLOCK] = table.comptonSlope[bin] * invT;
            double pair = t > TWO_MASS ? Math.max(0.0, table.pair[bin] + dLn * table.pairSlope[bin]) : 0.0;
            clockSigma[o + PAIR_CLOCK] = pair;
            clockSigmaPerEnergy[o + PAIR_CLOCK] = pair > 0 ? table.pairSlope[bin] * invT : 0.0;
        }
    }

    /** Moves the current particle a distance s (tangent in sD) along its direction. */
    private void moveAlongTrack(double s) {
        if (tangents) {
            for (int k = 0; k < n; k++) {
                zD[k] += s * wD[k] + w * sD[k];
            }
        }
        z += w * s;
    }

    /**
     * Photo-effect along a segment of length s (tangent in sD) in material m of the current region:
     * the region receives weight·E·(1 − e^−τ), τ = Σ_photo·s, and the weight becomes weight·e^−τ.
     */
    private void absorbAlongSegment(int m, double s) {
        double photo = photoSigma[m];
        if (photo == 0 || s == 0) {
            return;
        }
        double tau = photo * s;
        if (tangents) {
            double slope = photoSigmaPerEnergy[m];
            for (int k = 0; k < n; k++) {
                tauD[k] = photo * sD[k] + s * slope * tD[k];
            }
        }
        absorbInRegion(region, transmission(tau), tauD);
        photoDepthLeft -= tau;
    }

    /** e^−τ; where τ is small (photons above a few MeV) a series exact to double precision and cheaper than exp. */
    private static double transmission(double tau) {
        if (tau < 1e-3) {
            // the first omitted term, τ⁵/120, is below 1e-17
            return 1 - tau * (1 - tau * (0.5 - tau * (1.0 / 6 - tau / 24)));
        }
        return Math.exp(-tau);
    }

    /**
     * Deposits weight·E·(1 − q) in region r and multiplies the weight by the transmission
     * q = e^−τ of a stretch of photo-effect optical depth τ (dq = −q·dτ, τ's tangent in tauTangent).
     * The caller books τ against {@link #photoDepthLeft}.
     */
    private void absorbInRegion(int r, double q, double[] tauTangent) {
        double absorbed = 1 - q;
        // weight·(E·(1 − q)): the grouping of the tight primal loop in skipWholePeriods
        deposit[r] += weight * (t * absorbed);
        if (tangents) {
            double energy = weight * t;
            int o = r * n;
            for (int k = 0; k < n; k++) {
                double dEnergy = weightD[k] * t + weight * tD[k];
                double dq = -q * tauTangent[k];
                depositTangent[o + k] += dEnergy * absorbed - energy * dq;
                weightD[k] = weightD[k] * q + weight * dq;
            }
        }
        weight *= q;
    }

    /** Flying a distance s (tangent in sD) through material m uses up Σ_p·s of clock p. */
    private void consumeClock(int p, int m, double s) {
        double sigma = clockSigma[m * CLOCKS + p];
        if (tangents) {
            double sigmaPerEnergy = clockSigmaPerEnergy[m * CLOCKS + p];
            int o = p * n;
            for (int k = 0; k < n; k++) {
                clockD[o + k] -= sD[k] * sigma + s * sigmaPerEnergy * tD[k];
            }
        }
        clock[p] -= s * sigma;
    }

    /** No more Compton scattering or conversion: both clocks never run out. */
    private void stopScattering() {
        for (int c = 0; c < CLOCKS; c++) {
            clock[c] = Double.POSITIVE_INFINITY;
            Tangents.zero(clockD, c * n, n);
        }
    }

    /** A fresh Compton clock after a scattering (the pair clock runs on). */
    private void newComptonClock() {
        clock[COMPTON_CLOCK] = -Math.log(uniform());
        Tangents.zero(clockD, COMPTON_CLOCK * n, n);
    }

    /** Flying a distance s (tangent in sD) through material m uses up Σ_c·s of every clock c. */
    private void consumeClocks(int m, double s) {
        for (int p = 0; p < CLOCKS; p++) {
            consumeClock(p, m, s);
        }
    }

    /**
     * A photon standing on an edge crosses whole absorber+gap periods, each costing every clock
     * the same number of mean free paths and the weight the same factor, without interacting and
     * without reaching the weight floor: jump over them at once, putting down each region's
     * photo-effect share in the order the photon crosses them. The result (position, clocks,
     * weight, deposits and their tangents) is what crossing them one by one gives, up to rounding.
     */
    private void skipWholePeriods() {
        if (w == 0) {
            return;
        }
        double absW = Math.abs(w);
        int standing = w > 0 ? region : region + 1;
        // stay inside the stack: leaving it is left to the ordinary step
        int room = w > 0 ? (regions - 1 - standing) / 2 : (standing - 1) / 2;
        if (room < 1) {
            return;
        }
        // most photons cannot cross a whole period: turn those away without dividing, with a margin
        // far above rounding so that every call the exact test below accepts still reaches it
        double margin = 1 - 1e-9;
        for (int p = 0; p < CLOCKS; p++) {
            if (clock[p] * absW < (a * clockSigma[p] + g * clockSigma[CLOCKS + p]) * margin) {
                return;
            }
        }
        double photoPerPeriod = a * photoSigma[0] + g * photoSigma[1];
        if (photoPerPeriod > 0 && photoDepthLeft * absW < photoPerPeriod * margin) {
            return;
        }
        double periods = room;
        for (int p = 0; p < CLOCKS; p++) {
            double perPeriod = (a * clockSigma[p] + g * clockSigma[CLOCKS + p]) / absW;
            if (perPeriod > 0) {
                periods = Math.min(periods, Math.floor(clock[p] / perPeriod));
            }
        }
        double tauAbsorber = a * photoSigma[0] / absW;
        double tauGap = g * photoSigma[1] / absW;
        if (tauAbsorber + tauGap > 0) {
            periods = Math.min(periods, Math.floor(photoDepthLeft / (tauAbsorber + tauGap)));
        }
        if (!(periods >= 1)) {
            return;
        }
        int whole = (int) periods;
        double signW = w > 0 ? 1 : -1;
        for (int p = 0; p < CLOCKS; p++) {
            double sigma0 = clockSigma[p];
            double sigma1 = clockSigma[CLOCKS + p];
            double perPeriod = (a * sigma0 + g * sigma1) / absW;
            if (tangents) {
                double slope0 = clockSigmaPerEnergy[p];
                double slope1 = clockSigmaPerEnergy[CLOCKS + p];
                int o = p * n;
                for (int k = 0; k < n; k++) {
                    double dPerPeriod = (seedA[k] * sigma0 + a * slope0 * tD[k] + seedG[k] * sigma1 + g * slope1 * tD[k]) / absW
                            - perPeriod * signW * wD[k] / absW;
                    clockD[o + k] -= whole * dPerPeriod;
                }
            }
            clock[p] = Math.max(0.0, clock[p] - whole * perPeriod);
        }
        if (tauAbsorber + tauGap > 0) {
            if (tangents) {
                // τ = thickness·Σ(E)/|w| per region
                double slope0 = photoSigmaPerEnergy[0];
                double slope1 = photoSigmaPerEnergy[1];
                for (int k = 0; k < n; k++) {
                    double byDirection = signW * wD[k] / absW;
                    tauAbsorberD[k] = (seedA[k] * photoSigma[0] + a * slope0 * tD[k]) / absW - tauAbsorber * byDirection;
                    tauGapD[k] = (seedG[k] * photoSigma[1] + g * slope1 * tD[k]) / absW - tauGap * byDirection;
                }
            }
            double qAbsorber = transmission(tauAbsorber);
            double qGap = transmission(tauGap);
            int step = w > 0 ? 1 : -1;
            // the first region crossed: the absorber of the period going forward, its gap going back
            int first = w > 0 ? standing : standing - 1;
            if (tangents) {
                for (int i = 0, r = first; i < 2 * whole; i++, r += step) {
                    if ((r & 1) == 0) {
                        absorbInRegion(r, qAbsorber, tauAbsorberD);
                    } else {
                        absorbInRegion(r, qGap, tauGapD);
                    }
                }
            } else {
                // the same arithmetic as absorbInRegion without tangents, in a tight loop
                double absorbedAbsorber = t * (1 - qAbsorber);
                double absorbedGap = t * (1 - qGap);
                boolean absorberFirst = (first & 1) == 0;
                double absorbedFirst = absorberFirst ? absorbedAbsorber : absorbedGap;
                double absorbedSecond = absorberFirst ? absorbedGap : absorbedAbsorber;
                double qFirst = absorberFirst ? qAbsorber : qGap;
                double qSecond = absorberFirst ? qGap : qAbsorber;
                double current = weight;
                for (int i = 0, r = first; i < whole; i++, r += 2 * step) {
                    deposit[r] += current * absorbedFirst;
                    current *= qFirst;
                    deposit[r + step] += current * absorbedSecond;
                    current *= qSecond;
                }
                weight = current;
            }
            photoDepthLeft -= whole * (tauAbsorber + tauGap);
        }
        int target = w > 0 ? standing + 2 * whole : standing - 2 * whole;
        moveToEdge(target);
        region = w > 0 ? target : target - 1;
    }

    /** Compton scattering; returns whether the photon is still tracked. */
    private boolean comptonScattering() {
        double kappa = t / ELECTRON_MASS_MEV;
        double epsilon = sampleCompton(kappa, lnPhotonEnergy - LN_ELECTRON_MASS, uniform());
        double cosPhi = Math.cos(2 * Math.PI * uniform());
        double dEpsilonDEnergy = sampleSlope / ELECTRON_MASS_MEV;
        double scattered = epsilon * t;
        double electron = t - scattered;
        double oneMinusCos = (1 / epsilon - 1) / kappa;
        double cosPhoton = 1 - oneMinusCos;
        if (tangents) {
            for (int k = 0; k < n; k++) {
                double dEpsilon = dEpsilonDEnergy * tD[k];
                double dKappa = tD[k] / ELECTRON_MASS_MEV;
                xD[k] = epsilon * tD[k] + t * dEpsilon;                     // scattered photon energy
                yD[k] = tD[k] - xD[k];                                      // electron energy
                cD[k] = dEpsilon / (epsilon * epsilon * kappa) + oneMinusCos * dKappa / kappa; // cos θγ
            }
        }
        if (electron > 0 && residualRangeShortcuts && residualRange && electron <= electronCut
                && residualRangeEndsInRegionEitherWay(electron) && noInteractionOnResidualRange(electron)) {
            // pushElectron would deposit it here whatever its direction: skip the kinematics
            rng += GOLDEN;
            depositHere(electron, yD);
        } else if (electron > 0 && (electron >= electronCut || residualRange)) {
            double momentum = Math.sqrt(electron * (electron + TWO_MASS));
            double numerator = t - scattered * cosPhoton;
            double cosElectron = numerator / momentum;
            double clamped = Math.max(-1.0, Math.min(1.0, cosElectron));
            if (tangents) {
                double[] cosElectronD = rot2D;
                for (int k = 0; k < n; k++) {
                    double dNumerator = tD[k] - xD[k] * cosPhoton - scattered * cD[k];
                    double dMomentum = (electron + ELECTRON_MASS_MEV) * yD[k] / momentum;
                    cosElectronD[k] = clamped == cosElectron ? (dNumerator - cosElectron * dMomentum) / momentum : 0.0;
                }
            }
            double wElectron = rotate(clamped, rot2D, -cosPhi, rotD);
            pushElectron(electron, yD, wElectron, rotD);
        } else {
            depositHere(electron, yD);
        }
        double wPhoton = rotate(cosPhoton, cD, cosPhi, rotD);
        t = scattered;
        Tangents.copy(xD, 0, tD, 0, n);
        w = wPhoton;
        Tangents.copy(rotD, 0, wD, 0, n);
        if (t < photonTrackingCut) {
            absorbPhoton();
            return false;
        }
        return true;
    }

    /**
     * The photon's energy goes to an electron along the photon's direction (binding energy
     * neglected), or, without residual ranges, is deposited here.
     */
    private void absorbPhoton() {
        if (residualRange) {
            pushElectron(t, tD, w, wD);
        } else {
            depositHere(t, tD);
        }
    }

    /**
     * Pushes a secondary electron, except one below the tracking cut whose residual range ends
     * inside the current region: tracking it would put all its energy here, so it is deposited at
     * once. Its substream seed is drawn either way, so the parent's later random numbers do not
     * depend on the shortcut.
     */
    private void pushElectron(double energy, double[] energyD, double direction, double[] directionD) {
        if (residualRangeShortcuts && residualRange && energy <= electronCut && residualRangeEndsInRegion(energy, direction)
                && noInteractionOnResidualRange(energy)) {
            rng += GOLDEN;
            depositHere(energy, energyD);
        } else {
            pushSecondary(ELECTRON, energy, energyD, direction, directionD);
        }
    }

    /**
     * Whether an electron of this energy below the tracking cut, pushed now, would reach the end of
     * its residual range without a discrete interaction: its first clocks, the first uniforms of the
     * substream {@link #pushSecondary} would give it, outlast the mean free paths left. Then
     * depositing it here is exactly what tracking it would do.
     */
    private boolean noInteractionOnResidualRange(double energy) {
        if (energy <= photonCut && (!deltaRays || energy <= deltaCut)) {
            return true; // neither process can produce anything below its threshold
        }
        ChargedTable table = tables.electron[region & 1];
        int bin = table.bin(energy);
        long streamPosition = mix((rng + GOLDEN) ^ 0x5DEECE66DL);
        for (int p : electronProcesses) {
            double mfpLeft = table.mfpAt(p, bin, energy);
            streamPosition += GOLDEN;
            if (mfpLeft > 0) {
                // −ln u < Λ needs u > e^−Λ ≥ 1 − Λ: most uniforms are ruled out without the logarithm
                // (the margin keeps every case the exact test decides on its side of the pre-test)
                double u = uniformAt(streamPosition);
                if (u > 1 - mfpLeft - 1e-9 && -Math.log(u) < mfpLeft) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Whether the residual range (laid along ±z, the sign of the direction) ends before the region's edge. */
    private boolean residualRangeEndsInRegion(double energy, double direction) {
        return residualRangeFits(energy, direction >= 0 ? roomForward() : roomBackward());
    }

    /** Whether the residual range ends inside the region both forward and backward along z. */
    private boolean residualRangeEndsInRegionEitherWay(double energy) {
        return residualRangeFits(energy, Math.min(roomForward(), roomBackward()));
    }

    /*
     * Room for a residual range before the region's edge along +z and along −z. Before a face of the
     * stack the last RANGE_END_WINDOW_MM do not count: an electron ending there is tracked, so that
     * its range end's boundary term (bookRangeEndAtFace) is booked.
     */
    private double roomForward() {
        double room = edges[region + 1] - z;
        return isFaceOfStack(region + 1, true) ? room - RANGE_END_WINDOW_MM : room;
    }

    private double roomBackward() {
        double room = z - edges[region];
        return isFaceOfStack(region, false) ? room - RANGE_END_WINDOW_MM : room;
    }

    private boolean residualRangeFits(double energy, double room) {
        ChargedTable table = tables.electron[region & 1];
        if (energy <= stopEnergy || room >= table.rangeAtTrackingCut) {
            return true; // tracking would stop it at once, or the longest residual range fits
        }
        return table.rangeAt(table.bin(energy), energy) <= room;
    }

    private void pairProduction() {
        double x = samplePairShare(t, uniform());
        double dxDEnergy = sampleSlope;
        double electron = x * t - ELECTRON_MASS_MEV;
        double positron = t - TWO_MASS - electron;
        if (tangents) {
            for (int k = 0; k < n; k++) {
                xD[k] = (x + t * dxDEnergy) * tD[k];
                yD[k] = tD[k] - xD[k];
            }
        }
        pushSecondary(POSITRON, positron, yD, w, wD);
        pushSecondary(ELECTRON, electron, xD, w, wD);
    }

    // ---------------------------------------------------------------- e+ and e-

    /**
     * e± transport. Bremsstrahlung and delta rays each have their own clock (mean free paths left,
     * consumed along the range tables); the first to run out fires, so which process happens never
     * depends on the material at the interaction point (cf. the photon clocks).
     */
    private void trackCharged(boolean positron) {
        int[] processes = positron ? positronProcesses : electronProcesses;
        if (t <= stopEnergy) {
            stopBelowTable(positron, processes);
            return;
        }
        if (residualRange && t <= electronCut) {
            alignWithDepthAxis();
        }
        newChargedClocks(processes);
        if (multipleScattering) {
            startScatteringClock();
        }
        chargedSteps(positron, processes);
    }

    /** Transports the current e± from its state (energy, position, direction, clocks) to its end. */
    private void chargedSteps(boolean positron, int[] processes) {
        // all e± tables share one energy grid: a bin found in one material holds in the other
        int knownBin = -1;
        while (true) {
            if (multipleScattering) {
                Tangents.copy(tD, 0, stepStartEnergyD, 0, n);
            }
            ChargedTable table = positron ? tables.positron[region & 1] : tables.electron[region & 1];
            // the track ends where the tracking cut is reached (then the residual range starts) or at the floor
            boolean aboveCut = residualRange && t > electronCut;
            double rangeEnd = aboveCut ? table.rangeAtTrackingCut : 0.0;
            int bin0 = knownBin >= 0 ? knownBin : table.bin(t);
            knownBin = -1;
            double rangeSlope0 = table.rangeSlopeAt(bin0, t);
            double range0 = table.rangeAt(bin0, t);
            double edgeDistance = boundaryDistance();
            double boundary = edgeDistance;
            // a deflection point before the boundary takes the boundary's place (its branch moves there)
            boolean deflectionFirst = false;
            double deflection = Double.POSITIVE_INFINITY;
            if (multipleScattering && t > electronCut) {
                deflection = Math.max(0.0, scatteringClock) * radiationLengthMm[region & 1];
                if (deflection < boundary) {
                    boundary = deflection;
                    deflectionFirst = true;
                }
            }
            double interaction = Double.POSITIVE_INFINITY;
            int fired = -1;
            int binI = 0;
            double tInteraction = 0;
            for (int p : processes) {
                double mfp0 = table.mfpAt(p, bin0, t);
                if (mfp0 > chargedClock[p]) {
                    double mfpAt = mfp0 - chargedClock[p];
                    int bin = ChargedTable.binOfValue(table.mfp[p], table.mfpGuide[p], mfpAt, bin0);
                    double tAt = table.energyAtMfp(p, bin, mfpAt);
                    double distance = range0 - table.rangeAt(bin, tAt);
                    if (distance < interaction) {
                        interaction = distance;
                        fired = p;
                        binI = bin;
                        tInteraction = tAt;
                    }
                }
            }
            double end = range0 - rangeEnd;
            boolean interacts = fired >= 0 && interaction <= boundary && interaction < end;
            if (otherSideOfFace != null && !aboveCut && fired < 0 && !deflectionFirst
                    && Math.abs(end - boundary) < RANGE_END_WINDOW_MM && leavesStackAtExitEdge()) {
                bookRangeEndAtFace(positron, end, boundary, rangeSlope0, table, bin0);
            }
            if (otherSideOfFace != null && deflectionJumps && !interacts && end > Math.max(deflection, edgeDistance)
                    && Math.abs(deflection - edgeDistance) * Math.abs(w) < DEFLECTION_WINDOW_MM && leavesStackAtExitEdge()) {
                bookDeflectionAtFace(positron, processes, edgeDistance, table, bin0);
            }
            if (interacts) {
                // discrete interaction at tInteraction after `interaction` mm
                if (tangents) {
                    double mfpSlope0 = table.mfpSlopeAt(fired, bin0, t);
                    double invMfpSlope = 1 / table.mfpSlopeAt(fired, binI, tInteraction);
                    double rangeSlopeI = table.rangeSlopeAt(binI, tInteraction);
                    int o = fired * n;
                    for (int k = 0; k < n; k++) {
                        double dT = (mfpSlope0 * tD[k] - chargedClockD[o + k]) * invMfpSlope;
                        double ds = rangeSlope0 * tD[k] - rangeSlopeI * dT;
                        xD[k] = tD[k] - dT;     // deposited
                        tD[k] = dT;
                        zD[k] += interaction * wD[k] + w * ds;
                    }
                }
                // Every other clock runs on through the interaction (memoryless, so its remainder is
                // as good as a new draw): where it runs out just after the one that fired, its process
                // still happens about there, rather than a new clock deciding afresh, which made the
                // race of two clocks a large flip (docs/simulation.md, "Clocks that run on").
                for (int p : processes) {
                    if (p == fired) {
                        continue;
                    }
                    if (tangents) {
                        double slope0 = table.mfpSlopeAt(p, bin0, t);
                        double slopeI = table.mfpSlopeAt(p, binI, tInteraction);
                        int op = p * n;
                        for (int k = 0; k < n; k++) {
                            // the energy's tangent was xD + tD before the interaction point and is tD there
                            chargedClockD[op + k] -= slope0 * (xD[k] + tD[k]) - slopeI * tD[k];
                        }
                    }
                    chargedClock[p] -= table.mfpAt(p, bin0, t) - table.mfpAt(p, binI, tInteraction);
                }
                depositHere(t - tInteraction, xD);
                t = tInteraction;
                z += w * interaction;
                if (multipleScattering) {
                    advanceScatteringClock(interaction, rangeSlope0, table.rangeSlopeAt(binI, tInteraction));
                }
                if (fired == ChargedTable.ANNIHILATION) {
                    annihilateInFlight(t, tD);
                    return;
                }
                if (fired == ChargedTable.BREMSSTRAHLUNG) {
                    bremsstrahlung();
                } else {
                    deltaRay(positron);
                }
                if (t <= stopEnergy) {
                    if (positron) {
                        positronEndsBelowTable(tables.positron[region & 1], t, tD,
                                chargedClock[ChargedTable.ANNIHILATION], chargedClockD, ChargedTable.ANNIHILATION * n);
                    } else {
                        depositHere(t, tD);
                    }
                    return;
                }
                newChargedClock(fired);
            } else if (boundary < end) {
                if (deflectionFirst) {
                    deflectionDistanceTangent();
                } else {
                    boundaryDistanceTangent(boundary);
                }
                double rangeAt = range0 - boundary;
                int binB = ChargedTable.binOfValue(table.range, table.rangeGuide, rangeAt, bin0);
                double tBoundary = table.energyAtRange(binB, rangeAt);
                if (tangents) {
                    double invRangeSlope = 1 / table.rangeSlopeAt(binB, tBoundary);
                    for (int k = 0; k < n; k++) {
                        double dT = (rangeSlope0 * tD[k] - sD[k]) * invRangeSlope;
                        xD[k] = tD[k] - dT;
                        yD[k] = dT;
                    }
                }
                // every clock loses the mean free paths of the path to the boundary
                for (int p : processes) {
                    double mfp0 = table.mfpAt(p, bin0, t);
                    double mfpAt = table.mfpAt(p, binB, tBoundary);
                    if (tangents) {
                        double slope0 = table.mfpSlopeAt(p, bin0, t);
                        double slopeB = table.mfpSlopeAt(p, binB, tBoundary);
                        int o = p * n;
                        for (int k = 0; k < n; k++) {
                            chargedClockD[o + k] -= slope0 * tD[k] - slopeB * yD[k];
                        }
                    }
                    chargedClock[p] -= mfp0 - mfpAt;
                }
                Tangents.copy(yD, 0, tD, 0, n);
                depositHere(t - tBoundary, xD);
                t = tBoundary;
                knownBin = binB;
                if (deflectionFirst) {
                    deflectHere(boundary);
                    continue;
                }
                if (multipleScattering) {
                    advanceScatteringClock(boundary, sD);
                }
                crossBoundary();
                if (!enterNonEmptyRegion(positron ? POSITRON : ELECTRON)) {
                    return;
                }
            } else if (aboveCut) {
                // reached the tracking cut: the residual range runs along the depth axis; the clocks
                // go on (their rates fall to 0 by themselves), so a clock running out just below
                // the cut does what it would have done just above it
                for (int p : processes) {
                    if (tangents) {
                        double slope0 = table.mfpSlopeAt(p, bin0, t);
                        int o = p * n;
                        for (int k = 0; k < n; k++) {
                            chargedClockD[o + k] -= slope0 * tD[k]; // the energy at the cut has no tangent
                        }
                    }
                    chargedClock[p] -= table.mfpAt(p, bin0, t) - table.mfpAt(p, table.trackingCutBin, electronCut);
                }
                if (tangents) {
                    for (int k = 0; k < n; k++) {
                        zD[k] += end * wD[k] + w * rangeSlope0 * tD[k];
                    }
                }
                z += w * end;
                depositHere(t - electronCut, tD);
                t = electronCut;
                knownBin = table.trackingCutBin;
                Tangents.zero(tD, 0, n);
                alignWithDepthAxis();
            } else {
                stopCharged(positron, range0, rangeSlope0, table, bin0);
                return;
            }
        }
    }

    /**
     * Half-width h of the window in which an e± deflection point counts as on a face of the stack
     * (mm); as for {@link #RANGE_END_WINDOW_MM}, the bias of the window is O(h²) and its noise falls
     * as h grows.
     */
    static final double DEFLECTION_WINDOW_MM = 0.2;

    /**
     * Jump term of an e± heading out of the stack whose next deflection point lies within h of the
     * face in depth, with no interaction before the nearer of the two and its range end beyond
     * both (the step ends at one of them, so each point is looked at once). g = |w|·((distance to the
     * face) − (distance to the deflection point)), the point's depth inside the face, decides: for
     * g > 0 it is deflected inside and may turn back, for g < 0 it leaves with its energy at the
     * face (and a positron's 2m). As the parameters move the point through the face, the outputs
     * jump, which pathwise tangents cannot see (docs/simulation.md, "Multiple scattering"). Its
     * share of dE[f]/dθ is the boundary term E[δ(g)·dg/dθ·(f_deflected − f_leaving)] of the
     * Leibniz rule, with δ(g) ≈ 1[|g| < h]/2h (g in depth, not along the track: dg/dθ then has no
     * 1/w, which made grazing tracks heavy-tailed) and f_deflected from the same e± deflected on
     * the face, with this track's own next normals, clocks and stream: the other side of this
     * event's own jump. Where the deflection still points out of the stack, both sides leave with
     * the same energy and the term is 0. It sums to zero over deposits and leakage.
     */
    private void bookDeflectionAtFace(boolean positron, int[] processes, double faceDistance, ChargedTable table, int bin0) {
        ShowerTransport other = otherSideOfFace;
        double rangeAtFace = table.rangeAt(bin0, t) - faceDistance;
        int binFace = ChargedTable.binOfValue(table.range, table.rangeGuide, rangeAtFace, bin0);
        double energyAtFace = table.energyAtRange(binFace, rangeAtFace);
        for (int p : processes) {
            // a clock that runs out between the deflection point and the face fires on the face
            other.chargedClock[p] = Math.max(0.0, chargedClock[p] - (table.mfpAt(p, bin0, t) - table.mfpAt(p, binFace, energyAtFace)));
        }
        if (!other.turnsBackOnFace(a, g, positron, processes, region, edges[exitEdge], w, energyAtFace, rng, scatteringRng)) {
            return;
        }
        deflectionsTurningOnFace++;
        boundaryDistanceTangent(faceDistance);
        // leaving is g < 0: d1[g < 0]/dθ = −δ(g)·dg/dθ
        double perWindow = weight * Math.abs(w) / (2 * DEFLECTION_WINDOW_MM);
        double x0 = radiationLengthMm[region & 1];
        for (int k = 0; k < n; k++) {
            jumpD[k] = perWindow * (scatteringClockD[k] * x0 - sD[k]);
        }
        bookLeavingAgainst(positron ? energyAtFace + TWO_MASS : energyAtFace, other);
    }

    /**
     * Adds jumpD·(f_leaving − f_other) to the tangents: an e± leaving the stack with leavingEnergy
     * against the other side of its jump, whose deposits and leakage the transport other holds.
     */
    private void bookLeavingAgainst(double leavingEnergy, ShowerTransport other) {
        double leakageJump = leavingEnergy - other.leakage;
        for (int k = 0; k < n; k++) {
            leakageTangent[k] += jumpD[k] * leakageJump;
        }
        for (int r = 0; r < regions; r++) {
            double stays = other.deposit[r];
            if (stays != 0) {
                int o = r * n;
                for (int k = 0; k < n; k++) {
                    depositTangent[o + k] -= jumpD[k] * stays;
                }
            }
        }
    }

    /**
     * An e± on a face of the stack (region, depth z, direction w out of the stack, kinetic energy,
     * the clocks already set, main and scattering streams as given) deflected there: false if its
     * new direction still points out, else it is transported with everything it makes (deposits
     * and leakage only; this transport has no tangents).
     */
    private boolean turnsBackOnFace(double a, double g, boolean positron, int[] processes, int region, double z, double w,
                                    double energy, long rng, long scatteringRng) {
        this.w = w;
        t = energy;
        this.scatteringRng = scatteringRng;
        scatter(SCATTERING_STEP_X0);
        if (this.w * w > 0) {
            return false;
        }
        startEvent(a, g);
        this.region = region;
        this.z = z;
        weight = 1;
        this.rng = rng;
        scatteringClock = SCATTERING_STEP_X0;
        chargedSteps(positron, processes);
        transportStack();
        return true;
    }

    /**
     * Half-width h of the window in which an e± range end counts as on a face of the stack (mm): δ(g)
     * is estimated by 1[|g| < h]/2h, whose bias is O(h²) relative to the scale on which the density
     * of range ends changes (a 1 MeV range, ~0.5 mm of PbWO4), and whose noise falls as h grows
     * (docs/simulation.md, "The range-end boundary term": 0.2 mm against 0.05 mm).
     */
    static final double RANGE_END_WINDOW_MM = 0.2;
    /** Salt of the substream for the other side of a range end on a face. */
    private static final long RANGE_END_STREAM = 0x6A09E667F3BCC909L;

    /**
     * Jump term of an e± on its last straight step (none of its clocks runs out before its range
     * does), whose range ends within h of a face of the stack. g = range − distance to the face
     * decides whether it leaves (g > 0), taking t₀ and for a positron its 2m with it, or stops
     * inside, where a positron annihilates and its photons partly stay. The outputs jump there, and
     * pathwise tangents cannot see a jump (docs/simulation.md, "The range-end boundary term"). Its
     * share of dE[f]/dθ is the boundary term E[δ(g)·dg/dθ·(f_leave − f_stop)] of the Leibniz rule,
     * booked here with δ(g) ≈ 1[|g| < h]/2h and f_stop from an independent replicate of the
     * positron's end on the face (its own substream). The step starts inside the stack, so g ≤ range:
     * a range shorter than h gets the window [−h, range], normalised by its own width, or an e± born
     * near the face would be undercounted. The term sums to zero over deposits and leakage.
     */
    private void bookRangeEndAtFace(boolean positron, double range, double boundary, double rangeSlope, ChargedTable table,
                                    int bin) {
        rangeEndsOnFace++;
        boundaryDistanceTangent(boundary);
        double perWindow = weight / (RANGE_END_WINDOW_MM + Math.min(RANGE_END_WINDOW_MM, range));
        for (int k = 0; k < n; k++) {
            jumpD[k] = perWindow * (rangeSlope * tD[k] - sD[k]);
        }
        double floor = table.lowestEnergy;
        if (!positron) {
            int o = region * n;
            for (int k = 0; k < n; k++) {
                leakageTangent[k] += jumpD[k] * floor;
                depositTangent[o + k] -= jumpD[k] * floor;
            }
            return;
        }
        ShowerTransport stop = otherSideOfFace;
        int p = ChargedTable.ANNIHILATION;
        stop.endPositronOnFace(a, g, region, edges[exitEdge], w, chargedClock[p] - table.mfpAt(p, bin, t),
                mix(rng ^ RANGE_END_STREAM));
        bookLeavingAgainst(floor + TWO_MASS, stop);
    }

    /**
     * The end of a positron at t₀ on a face of the stack (region, depth z, direction w) with
     * {@code clockLeft} annihilation mean free paths left, and its photons: deposits and leakage
     * only (this transport has no tangents).
     */
    private void endPositronOnFace(double a, double g, int region, double z, double w, double clockLeft, long seed) {
        startEvent(a, g);
        this.region = region;
        this.z = z;
        this.w = w;
        weight = 1;
        rng = seed;
        ChargedTable table = tables.positron[region & 1];
        t = table.lowestEnergy;
        positronEndsBelowTable(table, t, tD, clockLeft, chargedClockD, 0);
        transportStack();
    }

    // ---------------------------------------------------------------- multiple scattering

    /** Salt of the scattering substream, so that its draws never shift the particle's main stream. */
    private static final long SCATTERING_STREAM = 0x3C6EF372FE94F82BL;
    /** Highland's constant [MeV] (PDG Review "Passage of particles through matter", eq. 34.16). */
    private static final double HIGHLAND_MEV = 13.6;
    private static final double HIGHLAND_LOG = 0.038;
    /**
     * Spacing of the deflection points in radiation lengths: inside Highland's range (x ≥ 1e-3) and
     * 2.6 points per 2.3 mm PbWO4 layer (X0 8.9 mm). Highland is not additive: n steps of x give n·θ0(x)², which
     * for x = 0.1 is 0.83 of θ0(n·x)² at n·x = 1 X0 (the log term; PDG notes the formula is for the
     * whole slab).
     */
    static final double SCATTERING_STEP_X0 = 0.1;

    /**
     * Deflection points are spaced {@link #SCATTERING_STEP_X0} radiation lengths apart along the
     * track, the first at a uniform fraction of that; the clock counts X0 like the interaction
     * clocks count mean free paths, so the points move continuously with the boundaries, and the
     * k-th deflection always uses the k-th pair of normals whatever the geometry.
     */
    private void startScatteringClock() {
        scatteringRng = mix(rng ^ SCATTERING_STREAM);
        scatteringClock = SCATTERING_STEP_X0 * scatteringUniform();
        Tangents.zero(scatteringClockD, 0, n);
    }

    /** Tangent of the distance to the deflection point into sD: d(clock)·X0. */
    private void deflectionDistanceTangent() {
        double x0 = radiationLengthMm[region & 1];
        for (int k = 0; k < n; k++) {
            sD[k] = scatteringClockD[k] * x0;
        }
    }

    /** After an interaction step range0 − range(t): the clock loses its X0; the step's tangent from the range slopes. */
    private void advanceScatteringClock(double step, double rangeSlopeStart, double rangeSlopeEnd) {
        double invX0 = 1 / radiationLengthMm[region & 1];
        scatteringClock -= step * invX0;
        for (int k = 0; k < n; k++) {
            scatteringClockD[k] -= (rangeSlopeStart * stepStartEnergyD[k] - rangeSlopeEnd * tD[k]) * invX0;
        }
    }

    /** After a step of length step (tangent stepD) in the current region: the clock loses its X0. */
    private void advanceScatteringClock(double step, double[] stepD) {
        double invX0 = 1 / radiationLengthMm[region & 1];
        scatteringClock -= step * invX0;
        for (int k = 0; k < n; k++) {
            scatteringClockD[k] -= stepD[k] * invX0;
        }
    }

    /** Moves the distance s (tangent sD) to the deflection point, turns w there and restarts the clock. */
    private void deflectHere(double s) {
        if (tangents) {
            for (int k = 0; k < n; k++) {
                zD[k] += s * wD[k] + w * sD[k];
            }
        }
        z += w * s;
        scatter(SCATTERING_STEP_X0);
        scatteringClock = SCATTERING_STEP_X0;
        Tangents.zero(scatteringClockD, 0, n);
    }

    /**
     * Turns w by a multiple-scattering angle for x radiation lengths at the current energy t.
     * Gaussian small-angle model with the Highland width (PDG eq. 34.16, z = 1)
     * θ0 = 13.6 MeV/(βcp)·√x·[1 + 0.038 ln(x/β²)]. Reparametrised: θ = θ0·√(−2 ln u1) at azimuth
     * 2π·u2 (Box–Muller, so each projected angle is θ0 times a standard normal), u1, u2 from the
     * particle's scattering substream; with x fixed the tangent of w flows through θ0(t) only.
     */
    private void scatter(double x) {
        double u1 = scatteringUniform();
        double u2 = scatteringUniform();
        double energy = t;
        double total = energy + ELECTRON_MASS_MEV;
        double momentum2 = energy * (energy + TWO_MASS);
        double betaCp = momentum2 / total;
        double beta2 = momentum2 / (total * total);
        double bracket = 1 + HIGHLAND_LOG * Math.log(x / beta2);
        double theta0 = HIGHLAND_MEV / betaCp * Math.sqrt(x) * bracket;
        double theta = theta0 * Math.sqrt(-2 * Math.log(u1));
        double cosTheta = Math.cos(theta);
        if (tangents) {
            // d ln θ0/dE, with d(βcp)/dE = 2 − β²
            double byEnergy = -(2 - beta2) / betaCp
                    - HIGHLAND_LOG * (1 / energy + 1 / (energy + TWO_MASS) - 2 / total) / bracket;
            double byEnergyOfCos = -Math.sin(theta) * theta * byEnergy;
            for (int k = 0; k < n; k++) {
                cD[k] = byEnergyOfCos * tD[k];
            }
        }
        w = rotate(cosTheta, cD, Math.cos(2 * Math.PI * u2), rotD);
        Tangents.copy(rotD, 0, wD, 0, n);
    }

    /**
     * w after one deflection for x radiation lengths at kinetic energy e from w = 1, substream seed
     * as given; {@link #lastSampleSlope} is then dw/de. For tests.
     */
    double scatteredDirection(double e, double x, long seed) {
        t = e;
        for (int k = 0; k < n; k++) {
            tD[k] = k == 0 ? 1.0 : 0.0;
        }
        w = 1;
        Tangents.zero(wD, 0, n);
        scatteringRng = seed;
        scatter(x);
        sampleSlope = tangents ? wD[0] : 0.0;
        return w;
    }

    private double scatteringUniform() {
        scatteringRng += GOLDEN;
        return ((mix(scatteringRng) >>> 11) + 0.5) * 0x1.0p-53;
    }

    /**
     * Below the tracking cut the residual range is laid along ±z (the sign of w): low-energy
     * electrons scatter too much for their emission angle to matter, and a grazing straight path
     * would make geometry derivatives ∝ 1/|w| (heavy-tailed). w = 0 goes forward.
     */
    private void alignWithDepthAxis() {
        w = w >= 0 ? 1.0 : -1.0;
        Tangents.zero(wD, 0, n);
    }

    /**
     * Stops after {@code distance} (the range down to the table's lowest energy t₀): deposits t
     * there. A positron's annihilation clock, which has not run out on the way (it has
     * clock − Λ(t) mean free paths left), runs on below t₀ ({@link #positronEndsBelowTable}).
     */
    private void stopCharged(boolean positron, double distance, double rangeSlope, ChargedTable table, int bin) {
        if (tangents) {
            for (int k = 0; k < n; k++) {
                zD[k] += distance * wD[k] + w * rangeSlope * tD[k];
            }
        }
        z += w * distance;
        if (!positron) {
            depositHere(t, tD);
            return;
        }
        int p = ChargedTable.ANNIHILATION;
        double clockLeft = chargedClock[p] - table.mfpAt(p, bin, t);
        if (tangents) {
            double slope = table.mfpSlopeAt(p, bin, t);
            for (int k = 0; k < n; k++) {
                clockLeftD[k] = chargedClockD[p * n + k] - slope * tD[k];
            }
            Tangents.zero(sD, 0, n);
        }
        positronEndsBelowTable(table, table.lowestEnergy, sD, clockLeft, clockLeftD, 0);
    }

    /** An e± at or below the table's lowest energy t₀ stops here; a positron draws its clocks first. */
    private void stopBelowTable(boolean positron, int[] processes) {
        if (!positron) {
            depositHere(t, tD);
            return;
        }
        newChargedClocks(processes);
        ChargedTable table = tables.positron[region & 1];
        positronEndsBelowTable(table, t, tD, chargedClock[ChargedTable.ANNIHILATION], chargedClockD, ChargedTable.ANNIHILATION * n);
    }

    /**
     * The end of a positron at kinetic energy {@code energy} ≤ t₀ (the table's lowest), with
     * {@code clockLeft} annihilation mean free paths left. Below t₀ the clock runs on: without
     * residual ranges first along {@link ChargedTable#annihilationTail} down to 10 keV, then along
     * Λ(T) = Λ₀ (T/10 keV)^{3/2} ({@link ChargedTable#annihilationBelowLowest}). If it runs out at
     * some T > 0 the positron annihilates in flight there, otherwise at rest, which is the same
     * process's T → 0 end (its photons are the in-flight ones' limit for the same uniforms), so
     * nothing jumps where the clock runs out just before rest. The positron's kinetic energy above
     * T is deposited here (with residual ranges its range below t₀ is ≲ 1 µm; without them all of
     * its energy below the cut is deposited at the point anyway).
     */
    private void positronEndsBelowTable(ChargedTable table, double energy, double[] energyD,
                                        double clockLeft, double[] clockTangents, int clockOffset) {
        int p = ChargedTable.ANNIHILATION;
        if (tangents) {
            Tangents.copy(clockTangents, clockOffset, clockLeftD, 0, n);
        }
        ChargedTable tail = table.annihilationTail;
        if (tail != null) {
            double mfpFromFloor = 0.0;
            double slopeHere = 0.0;
            int bin = 0;
            if (energy > tail.lowestEnergy) {
                bin = tail.bin(energy);
                mfpFromFloor = tail.mfpAt(p, bin, energy);
                slopeHere = tail.mfpSlopeAt(p, bin, energy);
            }
            double firesAt = mfpFromFloor - clockLeft;
            if (firesAt > 0) {
                int binI = ChargedTable.binOfValue(tail.mfp[p], tail.mfpGuide[p], firesAt, bin);
                double annihilation = tail.energyAtMfp(p, binI, firesAt);
                if (tangents) {
                    double invSlope = 1 / tail.mfpSlopeAt(p, binI, annihilation);
                    for (int k = 0; k < n; k++) {
                        annihilationD[k] = (slopeHere * energyD[k] - clockLeftD[k]) * invSlope;
                        xD[k] = tD[k] - annihilationD[k];
                    }
                }
                depositHere(t - annihilation, xD);
                annihilationsBelowTable++;
                annihilateInFlight(annihilation, annihilationD);
                return;
            }
            // on to 10 keV with -firesAt mean free paths left
            if (tangents) {
                for (int k = 0; k < n; k++) {
                    clockLeftD[k] -= slopeHere * energyD[k];
                    sD[k] = 0.0;
                }
            }
            clockLeft = -firesAt;
            energy = Math.min(energy, tail.lowestEnergy);
            energyD = energy < tail.lowestEnergy ? energyD : sD;
            table = tail;
        }
        double lowest = table.lowestEnergy;
        double lambda0 = table.annihilationBelowLowest;
        double lambda = energy > 0 ? lambda0 * Math.pow(energy / lowest, 1.5) : 0.0;
        double left = lambda - clockLeft;
        if (!(left > 0)) {
            depositHere(t, tD);
            annihilateAtRest();
            return;
        }
        double annihilation = lowest * Math.cbrt((left / lambda0) * (left / lambda0));
        if (tangents) {
            double byLeft = 2.0 / 3.0 * annihilation / left;
            double lambdaSlope = 1.5 * lambda / energy;
            for (int k = 0; k < n; k++) {
                annihilationD[k] = byLeft * (lambdaSlope * energyD[k] - clockLeftD[k]);
                xD[k] = tD[k] - annihilationD[k];
            }
        }
        depositHere(t - annihilation, xD);
        annihilationsBelowTable++;
        annihilateInFlight(annihilation, annihilationD);
    }

    /**
     * Two-photon annihilation in flight of the positron (direction w) at kinetic energy T > 0: the
     * photons share T + 2m, the first takes the fraction ε = ε_min + s·y/2 of it, s = √(τ/(τ+2)),
     * τ = T/m, y ∈ [0, 2] sampled by inverting Heitler's distribution ({@link #sampleAnnihilation}); it
     * flies at cos θ = (y − 1 + s)/(1 + s(y − 1)) to w (two-body kinematics: cos θ = (ε(τ+2) − 1)/(ε
     * √(τ(τ+2))), written without cancellation), azimuth uniform; the second's direction cosine
     * follows from momentum conservation along z. Same uniforms, in the same order, as
     * {@link #annihilateAtRest}, which is the limit T → 0.
     */
    private void annihilateInFlight(double energy, double[] energyD) {
        inFlightAnnihilations++;
        double tau = energy / ELECTRON_MASS_MEV;
        double total = energy + TWO_MASS;
        double betaGamma = Math.sqrt(tau * (tau + 2));
        double s = betaGamma / (tau + 2);
        double epsilonMin = 1 / ((tau + 2) * (1 + s));
        double y = sampleAnnihilation(energy, uniform());
        double dyDEnergy = sampleSlope;
        double cosPhi = Math.cos(2 * Math.PI * uniform());
        double epsilon = epsilonMin + 0.5 * s * y;
        double denominator = 1 + s * (y - 1);
        double cosTheta = (y - 1 + s) / denominator;
        double first = epsilon * total;
        double second = total - first;
        double momentum = ELECTRON_MASS_MEV * betaGamma;
        if (tangents) {
            double dsDEnergy = 1 / (ELECTRON_MASS_MEV * s * (tau + 2) * (tau + 2));
            for (int k = 0; k < n; k++) {
                double ds = dsDEnergy * energyD[k];
                double dy = dyDEnergy * energyD[k];
                double dEpsilon = -0.5 * ds + 0.5 * (ds * y + s * dy);
                cD[k] = (dy + ds - cosTheta * (ds * (y - 1) + s * dy)) / denominator;
                photonD[k] = dEpsilon * total + epsilon * energyD[k];
                secondPhotonD[k] = energyD[k] - photonD[k];
            }
        }
        double wFirst = rotate(cosTheta, cD, cosPhi, rotD);
        double pz = momentum * w - first * wFirst;
        double wSecond = Math.max(-1.0, Math.min(1.0, pz / second));
        if (tangents) {
            boolean inside = wSecond == pz / second;
            double dMomentumDEnergy = (energy + ELECTRON_MASS_MEV) / momentum;
            for (int k = 0; k < n; k++) {
                double dPz = dMomentumDEnergy * energyD[k] * w + momentum * wD[k] - photonD[k] * wFirst - first * rotD[k];
                rot2D[k] = inside ? (dPz - wSecond * secondPhotonD[k]) / second : 0.0;
            }
        }
        pushSecondary(PHOTON, first, photonD, wFirst, rotD);
        pushSecondary(PHOTON, second, secondPhotonD, wSecond, rot2D);
    }

    /** Annihilation at rest: two back-to-back 511 keV photons, isotropic (cos θ = y − 1 to w, y = 2u). */
    private void annihilateAtRest() {
        double cosTheta = 2 * uniform() - 1;
        double cosPhi = Math.cos(2 * Math.PI * uniform());
        Tangents.zero(cD, 0, n);
        Tangents.zero(photonD, 0, n);
        double wFirst = rotate(cosTheta, cD, cosPhi, rotD);
        for (int k = 0; k < n; k++) {
            rot2D[k] = -rotD[k];
        }
        pushSecondary(PHOTON, ELECTRON_MASS_MEV, photonD, wFirst, rotD);
        pushSecondary(PHOTON, ELECTRON_MASS_MEV, photonD, -wFirst, rot2D);
    }

    private void bremsstrahlung() {
        if (t <= photonCut) {
            return;
        }
        double y = sampleBremsstrahlung(t, uniform());
        double photon = y * t;
        if (tangents) {
            double dPhotonDEnergy = y + t * sampleSlope;
            for (int k = 0; k < n; k++) {
                xD[k] = dPhotonDEnergy * tD[k];
            }
        }
        pushSecondary(PHOTON, photon, xD, w, wD);
        t -= photon;
        Tangents.addScaled(-1.0, xD, 0, tD, 0, n);
    }

    private void deltaRay(boolean positron) {
        if (deltaCut >= (positron ? t : 0.5 * t)) {
            return;
        }
        double epsilon = positron ? sampleBhabha(t, uniform()) : sampleMoller(t, uniform());
        double cosPhi = Math.cos(2 * Math.PI * uniform());
        double delta = epsilon * t;
        // kinematic polar angle of the delta ray; the primary keeps its direction (1-D model)
        double cos2 = delta * (t + TWO_MASS) / (t * (delta + TWO_MASS));
        double cosDelta = Math.sqrt(Math.min(1.0, cos2));
        if (tangents) {
            double dDeltaDEnergy = epsilon + t * sampleSlope;
            for (int k = 0; k < n; k++) {
                xD[k] = dDeltaDEnergy * tD[k];
                double dLogCos2 = xD[k] / delta + tD[k] / (t + TWO_MASS) - tD[k] / t - xD[k] / (delta + TWO_MASS);
                cD[k] = cos2 < 1 ? 0.5 * cosDelta * dLogCos2 : 0.0;
            }
        }
        double wDelta = rotate(cosDelta, cD, cosPhi, rotD);
        pushSecondary(ELECTRON, delta, xD, wDelta, rotD);
        t -= delta;
        Tangents.addScaled(-1.0, xD, 0, tD, 0, n);
    }

    /**
     * Direction cosine after turning the current direction w by a polar angle with cosine c at
     * azimuth φ (spherical law of cosines); tangent into out.
     */
    private double rotate(double c, double[] cTangent, double cosPhi, double[] out) {
        double rho = Math.sqrt(Math.max(0.0, 1 - w * w));
        double sin = Math.sqrt(Math.max(0.0, 1 - c * c));
        double result = w * c + rho * sin * cosPhi;
        double clamped = Math.max(-1.0, Math.min(1.0, result));
        if (tangents) {
            double byW = c - (rho > 0 ? sin * cosPhi * w / rho : 0.0);
            double byC = w - (sin > 0 ? rho * cosPhi * c / sin : 0.0);
            boolean inside = clamped == result;
            for (int k = 0; k < n; k++) {
                out[k] = inside ? byW * wD[k] + byC * cTangent[k] : 0.0;
            }
        }
        return clamped;
    }

    // ---------------------------------------------------------------- sampling by inversion

    private static final int PAIR = 1;
    private static final int MOLLER = 3;
    private static final int BHABHA = 4;
    private static final int ANNIHILATION = 5;

    // parameters of the distribution being inverted
    private double p0;
    private double p1;
    private double p2;
    private double p3;
    private double p4;

    /**
     * The CDF being inverted as a function of the Newton variable v = x (Compton has its own
     * inversion, {@link #invertCompton}; bremsstrahlung is sampled from {@link BremsstrahlungTable}).
     */
    private double cdf(int kind, double v) {
        evaluate(kind, v);
        return cdfValue;
    }

    // results of evaluate(): the CDF and its derivative dF/dv at one point
    private double cdfValue;
    private double slopeValue;

    /** F(v) and dF/dv together (one exponential for the log-space kinds). */
    private void evaluate(int kind, double v) {
        switch (kind) {
            case PAIR -> {
                cdfValue = v * (1 - v * (2.0 / 3.0 - 4.0 / 9.0 * v));
                slopeValue = pairPdf(v);
            }
            case MOLLER -> {
                cdfValue = p0 * v - 1 / v + 1 / (1 - v) + p1 * Math.log((1 - v) / v);
                slopeValue = pdf(MOLLER, v);
            }
            case ANNIHILATION -> {
                // (2/s) K(ε) at y = v (see annihilationCdfByTau): each term O(Δ), no cancellation
                double delta = 0.5 * p1 * v;
                double epsilon = p2 + delta;
                cdfValue = 2 / p1 * (-p3 * delta + p4 * Math.log1p(delta / p2) - delta / (epsilon * p2));
                slopeValue = annihilationDensity(epsilon);
            }
            default -> {
                cdfValue = -p4 / v - p0 * Math.log(v) + p1 * v - 0.5 * p2 * v * v + p3 * v * v * v / 3;
                slopeValue = pdf(BHABHA, v);
            }
        }
    }

    /** Density of the delta-ray distributions in x. */
    private double pdf(int kind, double x) {
        return kind == MOLLER
                ? p0 + 1 / (x * x) + 1 / ((1 - x) * (1 - x)) - p1 * (1 / x + 1 / (1 - x))
                : p4 / (x * x) - p0 / x + p1 - p2 * x + p3 * x * x;
    }

    private static double pairPdf(double x) {
        return 1 - 4.0 / 3.0 * x * (1 - x);
    }

    /** Compton CDF at ε = e with le = ln ε. */
    private static double comptonCdf(double le, double e, double kappa) {
        return le + 0.5 * e * e - 2 / kappa * (le - e) + (-1 / e - 2 * le + e) / (kappa * kappa);
    }

    private static double comptonPdf(double e, double kappa) {
        double tt = (1 / e - 1) / kappa;
        return 1 / e + e - tt * (2 - tt);
    }

    /** ∂F/∂κ of the Compton CDF. */
    private static double comptonCdfByKappa(double e, double kappa) {
        double le = Math.log(e);
        return 2 * (le - e) / (kappa * kappa) - 2 * (-1 / e - 2 * le + e) / (kappa * kappa * kappa);
    }

    /** Solves F(v) = target on [lo, hi] for increasing F (Newton, bisection when a step leaves the bracket). */
    private double invert(int kind, double target, double lo, double hi, double guess) {
        double v = Math.min(hi, Math.max(lo, guess));
        for (int iteration = 0; iteration < 200; iteration++) {
            evaluate(kind, v);
            double residual = cdfValue - target;
            if (residual > 0) {
                hi = v;
            } else if (residual < 0) {
                lo = v;
            } else {
                return v;
            }
            double next = v - residual / slopeValue;
            double scale = Math.max(1.0, Math.abs(v));
            // a Newton step this small lands within ~step² of the root: done. (Tested before the
            // bracket: at the root a rounding-level residual gives a step onto the bracket's end,
            // which must not send the search into bisection.)
            if (Math.abs(next - v) <= 1e-9 * scale) {
                return Math.min(hi, Math.max(lo, next));
            }
            if (!(next > lo && next < hi)) {
                next = 0.5 * (lo + hi);
                if (hi - lo <= 1e-15 * scale) {
                    return next;
                }
            }
            v = next;
        }
        return v;
    }

    private final BremsstrahlungTable.SlopeSink bremsstrahlungSlope = new BremsstrahlungTable.SlopeSink();

    /** Photon energy fraction y = k/t above kc/t in the current region's material; sampleSlope = dy/dt. */
    double sampleBremsstrahlung(double energy, double u) {
        double y = tables.bremsstrahlung[region & 1].sample(energy, u, tangents ? bremsstrahlungSlope : null);
        sampleSlope = tangents ? bremsstrahlungSlope.slope : 0.0;
        return y;
    }

    /**
     * Two-photon annihilation in flight of a positron of kinetic energy T (Heitler; Geant4 Physics
     * Reference Manual, "Positron - Electron Annihilation into Two Gammas"): the first photon's
     * fraction ε of T + 2m has the density S(ε) = −(γ+1)² + (γ²+4γ+1)/ε − 1/ε² on [ε_min, ε_max],
     * ε_min,max = (1 ∓ s)/2, s = √(τ/(τ+2)), τ = T/m, γ = τ + 1 (its integral is Heitler's total
     * cross section; the two photons are alike, so sampling one from S alone gives the symmetric
     * pair distribution). Returns y = 2(ε − ε_min)/s ∈ [0, 2], the root of P(y) = u·P(2) with P the
     * cumulative of S in y, written without cancellation so that as T → 0 (S flat) y → 2u, the
     * at-rest limit. sampleSlope = dy/dT at fixed u (implicit-function theorem).
     */
    double sampleAnnihilation(double energy, double u) {
        double tau = energy / ELECTRON_MASS_MEV;
        double betaGamma = Math.sqrt(tau * (tau + 2));
        double s = betaGamma / (tau + 2);
        p0 = tau;
        p1 = s;
        p2 = 1 / ((tau + 2) * (1 + s)); // ε_min
        p3 = (tau + 2) * (tau + 2);
        p4 = tau * tau + 6 * tau + 6;   // γ² + 4γ + 1
        double total = cdf(ANNIHILATION, 2.0);
        // guess: the 1/ε envelope, ε = ε_min (ε_max/ε_min)^u, ln(ε_max/ε_min) = ln(γ + βγ)
        double guess = 2 * p2 * Math.expm1(u * Math.log1p(tau + betaGamma)) / s;
        double y = invert(ANNIHILATION, u * total, 0.0, 2.0, guess);
        if (tangents) {
            double dGdTau = annihilationCdfByTau(y) - u * annihilationCdfByTau(2.0);
            sampleSlope = -dGdTau / annihilationDensity(p2 + 0.5 * s * y) / ELECTRON_MASS_MEV;
        } else {
            sampleSlope = 0.0;
        }
        return y;
    }

    /** Heitler's S(ε) with the parameters of {@link #sampleAnnihilation}. */
    private double annihilationDensity(double epsilon) {
        return -p3 + p4 / epsilon - 1 / (epsilon * epsilon);
    }

    /**
     * ∂P/∂τ at fixed y, P(y) = (2/s) K(ε), K(ε) = ∫_{ε_min}^{ε} S: ∂K/∂τ = S(ε) ∂ε/∂τ − S(ε_min)
     * ε_min′ + ∫ ∂S/∂τ, ∂ε/∂τ = ε_min′ + s′y/2, ε_min′ = −s′/2, s′ = 1/(s(τ+2)²).
     */
    private double annihilationCdfByTau(double y) {
        double tau = p0;
        double s = p1;
        double epsilonMin = p2;
        double delta = 0.5 * s * y;
        double epsilon = epsilonMin + delta;
        double sPrime = 1 / (s * p3);
        double logRatio = Math.log1p(delta / epsilonMin);
        double k = -p3 * delta + p4 * logRatio - delta / (epsilon * epsilonMin);
        double kByTau = 0.5 * sPrime * (annihilationDensity(epsilon) * (y - 1) + annihilationDensity(epsilonMin))
                - 2 * (tau + 2) * delta + (2 * tau + 6) * logRatio;
        return 2 / s * (kByTau - sPrime / s * k);
    }

    /** Electron total-energy share x of a pair; sampleSlope = dx/dE. */
    double samplePairShare(double energy, double u) {
        double x0 = ELECTRON_MASS_MEV / energy;
        double f0 = cdf(PAIR, x0);
        double x = invert(PAIR, f0 + u * (7.0 / 9.0 - 2 * f0), x0, 1 - x0, x0 + u * (1 - 2 * x0));
        sampleSlope = tangents ? (1 - 2 * u) * pairPdf(x0) / pairPdf(x) * (-x0 / energy) : 0.0;
        return x;
    }

    /** Scattered-photon energy fraction ε (Klein–Nishina); sampleSlope = dε/dκ. */
    double sampleCompton(double kappa, double u) {
        return sampleCompton(kappa, Math.log(kappa), u);
    }

    /** {@link #sampleCompton(double, double)} with ln κ known. */
    private double sampleCompton(double kappa, double lnKappa, double u) {
        double e0 = 1 / (1 + 2 * kappa);
        double lnE0 = Math.log(e0);
        double f0 = comptonCdf(lnE0, e0, kappa);
        double f1 = comptonCdf(0.0, 1.0, kappa);
        double e = invertCompton(kappa, f0 + u * (f1 - f0), lnE0, lnE0 * comptonGuess(lnKappa, u));
        if (tangents) {
            double dGdKappa = comptonCdfByKappa(e, kappa)
                    - (1 - u) * (comptonCdfByKappa(e0, kappa) + comptonPdf(e0, kappa) * (-2 * e0 * e0))
                    - u * comptonCdfByKappa(1.0, kappa);
            sampleSlope = -dGdKappa / comptonPdf(e, kappa);
        } else {
            sampleSlope = 0.0;
        }
        return e;
    }

    /**
     * Solves F(v) = target for v = ln ε on [lo, 0] (F the Compton CDF of {@link #comptonCdf}) by
     * Householder's fourth-order iteration, which needs F′, F″ and F‴ (all cheap once e^v is
     * known): from the tabulated guess (error ≤ 2e-4 in v) one step lands on the root to rounding,
     * so a step of at most 1e-4 (error ~ step⁴) ends the search; larger steps repeat it, with
     * bisection when a step leaves the bracket. Sets {@link #lastLogSample} to v and returns
     * ε = e^v (from the last e^v by a series in the final step, exact to rounding).
     */
    private double invertCompton(double kappa, double target, double lo, double guess) {
        double hi = 0.0;
        double twoOverKappa = 2 / kappa;
        double invKappa2 = 1 / (kappa * kappa);
        double v = Math.min(hi, Math.max(lo, guess));
        for (int iteration = 0; iteration < 200; iteration++) {
            double e = Math.exp(v);
            double inverse = 1 / e;
            double e2 = e * e;
            double residual = v + 0.5 * e2 - twoOverKappa * (v - e) + (-inverse - 2 * v + e) * invKappa2 - target;
            if (residual > 0) {
                hi = v;
            } else if (residual < 0) {
                lo = v;
            } else {
                lastLogSample = v;
                return e;
            }
            double d1 = 1 + e2 - twoOverKappa * (1 - e) + (inverse - 2 + e) * invKappa2;
            double d2 = 2 * e2 + twoOverKappa * e + (e - inverse) * invKappa2;
            double d3 = 4 * e2 + twoOverKappa * e + (e + inverse) * invKappa2;
            double step = -residual * (6 * d1 * d1 - 3 * residual * d2)
                    / (6 * d1 * d1 * d1 - 6 * residual * d1 * d2 + residual * residual * d3);
            double next = v + step;
            if (Math.abs(step) <= 1e-4 * Math.max(1.0, Math.abs(v))) {
                next = Math.min(hi, Math.max(lo, next));
                lastLogSample = next;
                double d = next - v;
                return e * (1 + d * (1 + d * (0.5 + d * (1.0 / 6 + d * (1.0 / 24)))));
            }
            if (!(next > lo && next < hi)) {
                next = 0.5 * (lo + hi);
            }
            v = next;
        }
        lastLogSample = v;
        return Math.exp(v);
    }

    // Starting points for the Compton inversion: ln ε(u; κ) / ln ε_min(κ), a number in [0, 1], on a
    // grid in ln κ and u, interpolated bilinearly. Only the inversion's starting point comes from here (the
    // sample is the root of the exact CDF), so the grid changes no result beyond the root tolerance;
    // it saves most of the iteration steps, and the Compton sampling is the hottest routine of a shower.
    private static final double GUESS_LN_KAPPA_LOW = Math.log(0.01);
    private static final double GUESS_LN_KAPPA_HIGH = Math.log(1e8);
    private static final double GUESS_ROWS_PER_LN = 8;
    private static final int GUESS_ROWS = (int) Math.ceil((GUESS_LN_KAPPA_HIGH - GUESS_LN_KAPPA_LOW) * GUESS_ROWS_PER_LN) + 1;
    private static final int GUESS_COLUMNS = 64;
    private static final double[] COMPTON_GUESS = comptonGuessTable();

    private static double[] comptonGuessTable() {
        double[] table = new double[GUESS_ROWS * (GUESS_COLUMNS + 1)];
        for (int row = 0; row < GUESS_ROWS; row++) {
            double kappa = Math.exp(GUESS_LN_KAPPA_LOW + row / GUESS_ROWS_PER_LN);
            double lnE0 = -Math.log1p(2 * kappa);
            double f0 = comptonCdf(lnE0, Math.exp(lnE0), kappa);
            double f1 = comptonCdf(0.0, 1.0, kappa);
            for (int column = 0; column <= GUESS_COLUMNS; column++) {
                double target = f0 + (double) column / GUESS_COLUMNS * (f1 - f0);
                // bisection on the increasing CDF in ln ε: slow but only run once
                double lo = lnE0;
                double hi = 0.0;
                for (int i = 0; i < 100 && hi - lo > 1e-14; i++) {
                    double mid = 0.5 * (lo + hi);
                    if (comptonCdf(mid, Math.exp(mid), kappa) < target) {
                        lo = mid;
                    } else {
                        hi = mid;
                    }
                }
                table[row * (GUESS_COLUMNS + 1) + column] = 0.5 * (lo + hi) / lnE0;
            }
        }
        return table;
    }

    /** Interpolated ln ε / ln ε_min for the Compton inversion's first step. */
    private static double comptonGuess(double lnKappa, double u) {
        double x = (lnKappa - GUESS_LN_KAPPA_LOW) * GUESS_ROWS_PER_LN;
        x = Math.max(0.0, Math.min(GUESS_ROWS - 1.000001, x));
        int row = (int) x;
        double fx = x - row;
        double y = u * GUESS_COLUMNS;
        int column = Math.min(GUESS_COLUMNS - 1, (int) y);
        double fy = y - column;
        int o = row * (GUESS_COLUMNS + 1) + column;
        int o2 = o + GUESS_COLUMNS + 1;
        double below = COMPTON_GUESS[o] + fy * (COMPTON_GUESS[o + 1] - COMPTON_GUESS[o]);
        double above = COMPTON_GUESS[o2] + fy * (COMPTON_GUESS[o2 + 1] - COMPTON_GUESS[o2]);
        return below + fx * (above - below);
    }

    /** Møller energy-transfer fraction in [cut/t, 1/2]; sampleSlope = dε/dt. */
    double sampleMoller(double energy, double u) {
        double gamma = energy / ELECTRON_MASS_MEV + 1;
        double gamma2 = gamma * gamma;
        p0 = (gamma - 1) * (gamma - 1) / gamma2;
        p1 = (2 * gamma - 1) / gamma2;
        double lo = deltaCut / energy;
        double hi = 0.5;
        double fLo = cdf(MOLLER, lo);
        double fHi = cdf(MOLLER, hi);
        double e = invert(MOLLER, fLo + u * (fHi - fLo), lo, hi, 1 / (1 / lo - u * (1 / lo - 1 / hi)));
        if (tangents) {
            double dP0 = 2 * (gamma - 1) / (gamma2 * gamma) / ELECTRON_MASS_MEV;
            double dP1 = (2 - 2 * gamma) / (gamma2 * gamma) / ELECTRON_MASS_MEV;
            double dGdT = mollerCdfByEnergy(e, dP0, dP1)
                    - (1 - u) * (mollerCdfByEnergy(lo, dP0, dP1) + pdf(MOLLER, lo) * (-lo / energy))
                    - u * mollerCdfByEnergy(hi, dP0, dP1);
            sampleSlope = -dGdT / pdf(MOLLER, e);
        } else {
            sampleSlope = 0.0;
        }
        return e;
    }

    private static double mollerCdfByEnergy(double x, double dP0, double dP1) {
        return dP0 * x + dP1 * Math.log((1 - x) / x);
    }

    /** Bhabha energy-transfer fraction in [cut/t, 1]; sampleSlope = dε/dt. */
    double sampleBhabha(double energy, double u) {
        double gamma = energy / ELECTRON_MASS_MEV + 1;
        double y = 1 / (gamma + 1);
        double q = 1 - 2 * y;
        double y2 = y * y;
        p0 = 2 - y2;                // B1
        p1 = q * (3 + y2);          // B2
        p3 = q * q * q;             // B4
        p2 = p3 + q * q;            // B3
        p4 = gamma * gamma / (gamma * gamma - 1); // 1/β²
        double lo = deltaCut / energy;
        double hi = 1.0;
        double fLo = cdf(BHABHA, lo);
        double fHi = cdf(BHABHA, hi);
        double e = invert(BHABHA, fLo + u * (fHi - fLo), lo, hi, 1 / (1 / lo - u * (1 / lo - 1 / hi)));
        if (tangents) {
            double dy = -y2;
            double dq = -2 * dy;
            double dB1 = -2 * y * dy;
            double dB2 = dq * (3 + y2) + q * 2 * y * dy;
            double dB4 = 3 * q * q * dq;
            double dB3 = dB4 + 2 * q * dq;
            double g2m1 = gamma * gamma - 1;
            double dInvBeta2 = -2 * gamma / (g2m1 * g2m1);
            double m = ELECTRON_MASS_MEV;
            double dGdT = (bhabhaCdfByGamma(e, dB1, dB2, dB3, dB4, dInvBeta2)
                    - (1 - u) * bhabhaCdfByGamma(lo, dB1, dB2, dB3, dB4, dInvBeta2)
                    - u * bhabhaCdfByGamma(hi, dB1, dB2, dB3, dB4, dInvBeta2)) / m
                    - (1 - u) * pdf(BHABHA, lo) * (-lo / energy);
            sampleSlope = -dGdT / pdf(BHABHA, e);
        } else {
            sampleSlope = 0.0;
        }
        return e;
    }

    private static double bhabhaCdfByGamma(double x, double dB1, double dB2, double dB3, double dB4, double dInvBeta2) {
        return -dInvBeta2 / x - dB1 * Math.log(x) + dB2 * x - 0.5 * dB3 * x * x + dB4 * x * x * x / 3;
    }

    // ---------------------------------------------------------------- random numbers and stack

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Uniform in (0, 1) from the current particle's SplitMix64 substream. */
    private double uniform() {
        rng += GOLDEN;
        return uniformAt(rng);
    }

    private static double uniformAt(long streamPosition) {
        return ((mix(streamPosition) >>> 11) + 0.5) * 0x1.0p-53;
    }

    private void newChargedClocks(int[] processes) {
        for (int p : processes) {
            newChargedClock(p);
        }
    }

    private void newChargedClock(int p) {
        chargedClock[p] = -Math.log(uniform());
        Tangents.zero(chargedClockD, p * n, n);
    }

    /** Pushes the current particle state (t, z, w, region) as a new particle with the given substream seed. */
    private void push(int type, long seed) {
        pushAtCurrentPosition(type, seed, t, tD, w, wD);
    }

    /** Pushes a secondary created at the current position with its own energy and direction. */
    private void pushSecondary(int type, double energy, double[] energyD, double direction, double[] directionD) {
        rng += GOLDEN;
        pushAtCurrentPosition(type, mix(rng ^ 0x5DEECE66DL), energy, energyD, direction, directionD);
    }

    private void pushAtCurrentPosition(int type, long seed, double energy, double[] energyD,
                                       double direction, double[] directionD) {
        ensureCapacity();
        int i = size++;
        stackType[i] = type;
        stackRegion[i] = region;
        stackSeed[i] = seed;
        stackEnergy[i] = energy;
        stackZ[i] = z;
        stackW[i] = direction;
        stackWeight[i] = weight;
        Tangents.copy(weightD, 0, stackWeightTangent, i * n, n);
        Tangents.copy(energyD, 0, stackEnergyTangent, i * n, n);
        Tangents.copy(zD, 0, stackZTangent, i * n, n);
        Tangents.copy(directionD, 0, stackWTangent, i * n, n);
    }

    private int pop() {
        int i = --size;
        region = stackRegion[i];
        rng = stackSeed[i];
        t = stackEnergy[i];
        z = stackZ[i];
        w = stackW[i];
        weight = stackWeight[i];
        Tangents.copy(stackWeightTangent, i * n, weightD, 0, n);
        Tangents.copy(stackEnergyTangent, i * n, tD, 0, n);
        Tangents.copy(stackZTangent, i * n, zD, 0, n);
        Tangents.copy(stackWTangent, i * n, wD, 0, n);
        return stackType[i];
    }

    private void ensureCapacity() {
        if (size < stackType.length) {
            return;
        }
        int capacity = stackType.length * 2;
        stackType = Arrays.copyOf(stackType, capacity);
        stackRegion = Arrays.copyOf(stackRegion, capacity);
        stackSeed = Arrays.copyOf(stackSeed, capacity);
        stackEnergy = Arrays.copyOf(stackEnergy, capacity);
        stackZ = Arrays.copyOf(stackZ, capacity);
        stackW = Arrays.copyOf(stackW, capacity);
        stackWeight = Arrays.copyOf(stackWeight, capacity);
        stackWeightTangent = Arrays.copyOf(stackWeightTangent, capacity * n);
        stackEnergyTangent = Arrays.copyOf(stackEnergyTangent, capacity * n);
        stackZTangent = Arrays.copyOf(stackZTangent, capacity * n);
        stackWTangent = Arrays.copyOf(stackWTangent, capacity * n);
    }
}
