package dev.detopt.model.calorimeter;

import dev.detopt.model.random.RandomStreams;
import dev.detopt.model.sim.DesignPoint;
import dev.detopt.model.sim.EstimatorKind;
import dev.detopt.model.sim.EstimatorSettings;
import dev.detopt.model.sim.EventEvaluator;
import dev.detopt.model.stats.EventSample;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import dev.detopt.model.study.StudyHistory;
import dev.detopt.model.study.StudyRunner;
import dev.detopt.model.study.StudySpecs;
import tools.jackson.databind.json.JsonMapper;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The optional e± multiple-scattering model (docs/simulation.md, "Multiple scattering"). */
class MultipleScatteringTest {
    private static final double ELECTRON_MASS = 0.51099895;

    // computed on commit c1cfbb0 (before multiple scattering existed) for a 1 GeV e-, a = 2.3, g = 5.7, seed 0x5EED0F14
    private static final double[] DEPOSITS_BEFORE = {
            2.5266395513776385, 1.1739672191664774, 2.7305531430825667, 1.1743882428803003, 4.651323000688,
            2.464038705285498, 7.043390299229005, 2.345813412745392, 5.5493452314982115, 2.350081806665954,
            6.980293628981543, 5.0261553766447005, 15.679163391479724, 8.300729613070535, 16.96671878177865,
            7.455961775752552, 19.392399614662548, 7.65254942755743, 21.603382788642673, 10.361995595065007,
            26.656213118156284, 11.176814663145844, 20.06924715212617, 11.74040231253201, 36.99192785061884,
            18.922672702786162, 38.07869852821753, 15.179779988713701, 37.597795860757216, 16.44409406130154,
            46.73877695240255, 20.12860549151749, 44.08656283888302, 17.305536686824045, 35.501403497410585,
            13.20945569948663, 26.472920898995554, 11.695598231738606, 30.07447808282138, 7.200895093797413,
            19.84624810363475, 2.3441705715479775, 13.483918444731108, 5.04890547105496, 14.51107930785974,
            7.710009151874294, 12.544805557420384, 7.673799871037202, 7.892275552233883, 2.696077355481511,
            17.58732968150602, 11.209910136890189, 26.145163812055443, 10.357134125949795, 24.914562196282002,
            8.290246318820708, 17.924354368326323, 7.081662481146217, 15.10407397479456, 7.666340840550367,
            13.66615770215295, 5.271193194701252, 7.854735121376525, 1.3701876149769652, 8.688263664540406,
            4.501857417422102, 10.562646910924325, 1.3585934416290029, 1.8221123261575651, 0.2655497488569102,
            2.094226450649572, 0.22245693672413194, 1.7410637120073198, 1.1353998269831131, 4.058575885155458,
            0.8530677844821072, 0.7724716331634132, 0.07537141353450377, 1.6038066603902559, 8.410178548947471E-4,
            1.3898128015750444, 0.6917310735267855, 4.2868613128907365, 2.134186371807292, 3.8486010109997943,
            2.241082891772898, 3.2281707617915987, 0.2674546054824364, 1.4020294498807673, 7.711833919254374E-4,
            0.7120133952666993, 6.877292238221215E-4, 0.6485041355594896, 1.6862775831398549, 1.374488762873746,
            1.9772167991396372, 2.803257327905626, 1.1697010570126496, 0.19472024177684077, 3.3518284206671844E-4
    };
    private static final double LEAKAGE_BEFORE = 25.290680216773143;
    /** d/de, d/da, d/dg of the first 12 regions' deposits. */
    private static final double[] DEPOSIT_TANGENTS_BEFORE = {
            4.52411304974123E-5, 1.2773249888377887, 0.018359940570967535, 4.3286745614841355E-8,
            3.4743845750346544E-4, 0.20597586685850752, 2.1736684681062246E-5, 1.3029851487172222,
            0.009670645152738952, -1.4156862381972953E-7, -9.761073444942355E-7, 0.20604085086788773,
            0.0018995325064944497, 9.413803915899232, 0.36395659066834923, -1.8128390561599953E-4,
            -4.976313608872034, 0.20156350065112497, 6.828129658339498E-4, 2.244671146841406, 0.003207626414070635,
            1.5223571428803872E-6, -2.1538826872614442E-4, 0.41153896916446037, 0.0012154474331426833,
            5.099240104754438, 0.2221060008596477, 5.3217082872121094E-5, 0.12485534938549067, 0.4242133653603119,
            0.0034594008482154897, 13.295262167336967, 0.5405339681278271, 0.0024802524426989106, 7.87992285195313,
            1.480423156108862
    };
    private static final double[] LEAKAGE_TANGENTS_BEFORE = {0.054488392603003075, -7.146972007877403, -1.169853868980292};

    @Test
    void offByDefaultAndTheStraightTrackEventIsBitIdenticalToBefore() {
        assertThat(CalorimeterConfig.defaults().multipleScattering()).isFalse();
        for (CalorimeterConfig config : new CalorimeterConfig[] {CalorimeterConfig.defaults(),
                CalorimeterConfig.defaults().withMultipleScattering(true).withMultipleScattering(false)}) {
            ShowerTransport transport = new ShowerTransport(config, new MaterialTables(config), new int[] {0, 1, 2});
            transport.simulate(1000.0, 2.3, 5.7, 0x5EED0F14L);
            assertThat(transport.deposit).containsExactly(DEPOSITS_BEFORE);
            assertThat(transport.leakage).isEqualTo(LEAKAGE_BEFORE);
            assertThat(Arrays.copyOf(transport.depositTangent, 36)).containsExactly(DEPOSIT_TANGENTS_BEFORE);
            assertThat(transport.leakageTangent).containsExactly(LEAKAGE_TANGENTS_BEFORE);
        }
    }

    @Test
    void switchedOnItChangesTheEventAndReadsFromJson() {
        CalorimeterConfig on = CalorimeterConfig.defaults().withMultipleScattering(true);
        ShowerTransport transport = new ShowerTransport(on, new MaterialTables(on), new int[0]);
        transport.simulate(1000.0, 2.3, 5.7, 0x5EED0F14L);
        assertThat(transport.deposit).isNotEqualTo(DEPOSITS_BEFORE);
        JsonMapper mapper = JsonMapper.builder().build();
        assertThat(mapper.readValue("{\"multipleScattering\": true}", CalorimeterConfig.class)).isEqualTo(on);
        assertThat(mapper.readValue(mapper.writeValueAsString(on), CalorimeterConfig.class)).isEqualTo(on);
    }

    @ParameterizedTest(name = "{0} at {1} MeV")
    @CsvSource({"e-, 1000", "e+, 3000", "gamma, 2000"})
    void energyIsConservedInEveryEventWithMultipleScattering(String particle, double energy) {
        CalorimeterSimulator sim = new CalorimeterSimulator(CalorimeterConfig.defaults().withParticle(particle)
                .withMultipleScattering(true));
        EventEvaluator evaluator = sim.evaluator(new DesignPoint(new double[] {energy, 2.3, 5.7}, new int[] {0, 1, 2}),
                EstimatorSettings.of(EstimatorKind.PATHWISE));
        EventSample sample = new EventSample(evaluator.layout());
        RandomStreams streams = new RandomStreams(17);
        double expected = particle.equals("e+") ? energy + 2 * ELECTRON_MASS : energy;
        for (int event = 0; event < 20; event++) {
            sample.clear();
            evaluator.evaluate(streams.event(0, event), sample);
            double total = sample.observables[sim.leakageIndex()];
            double byE = sample.gradient[sim.leakageIndex() * 3];
            double byA = sample.gradient[sim.leakageIndex() * 3 + 1];
            for (int i = 0; i < 50; i++) {
                for (int index : new int[] {sim.absorberIndex(i), sim.gapIndex(i)}) {
                    total += sample.observables[index];
                    byE += sample.gradient[index * 3];
                    byA += sample.gradient[index * 3 + 1];
                }
            }
            assertThat(total).as("event %d", event).isCloseTo(expected, within(1e-9 * expected));
            assertThat(byE).as("d/de, event %d", event).isCloseTo(1.0, within(1e-9));
            assertThat(byA).as("d/da, event %d", event).isCloseTo(0.0, within(1e-9 * expected));
        }
    }

    /** Highland's width, PDG Review "Passage of particles through matter" eq. 34.16, for z = 1. */
    private static double highland(double kineticMev, double thicknessInX0) {
        double total = kineticMev + ELECTRON_MASS;
        double p = Math.sqrt(kineticMev * (kineticMev + 2 * ELECTRON_MASS));
        double beta = p / total;
        return 13.6 / (beta * p) * Math.sqrt(thicknessInX0) * (1 + 0.038 * Math.log(thicknessInX0 / (beta * beta)));
    }

    @ParameterizedTest(name = "{0} MeV through {1} X0")
    @CsvSource({"1000, 0.01", "10, 0.1", "100, 1.0"})
    void deflectionOnAThinSlabHasTheHighlandWidth(double energy, double thicknessInX0) {
        CalorimeterConfig config = CalorimeterConfig.defaults().withMultipleScattering(true);
        ShowerTransport transport = new ShowerTransport(config, new MaterialTables(config), new int[0]);
        double theta0 = highland(energy, thicknessInX0);
        int samples = 100_000;
        double meanSquare = 0;
        int inside = 0;
        for (int i = 0; i < samples; i++) {
            double theta = Math.acos(transport.scatteredDirection(energy, thicknessInX0, 1_000_003L * i));
            meanSquare += theta * theta;
            inside += theta < theta0 ? 1 : 0;
        }
        meanSquare /= samples;
        // two projected Gaussian angles of width θ0: the space angle² is θ0²·χ²(2), mean 2θ0², sd 2θ0²;
        // window 4σ = 1.3%: the log term changes θ0² by 32% at 0.01 X0 and 17% at 0.1 X0; 1% on 13.6 MeV moves it by 2%
        assertThat(meanSquare / (2 * theta0 * theta0)).isCloseTo(1.0, within(4 / Math.sqrt(samples)));
        // P(θ < θ0) = 1 − e^(−1/2) for the Rayleigh-distributed space angle; 4σ
        double p = 1 - Math.exp(-0.5);
        assertThat((double) inside / samples).isCloseTo(p, within(4 * Math.sqrt(p * (1 - p) / samples)));
    }

    @Test
    void theDeflectionsTangentIsTheDerivativeAtFixedNormals() {
        CalorimeterConfig config = CalorimeterConfig.defaults().withMultipleScattering(true);
        MaterialTables tables = new MaterialTables(config);
        ShowerTransport tangent = new ShowerTransport(config, tables, new int[] {0});
        ShowerTransport primal = new ShowerTransport(config, tables, new int[0]);
        for (double energy : new double[] {5, 50, 500}) {
            for (long seed = 1; seed <= 20; seed++) {
                tangent.scatteredDirection(energy, ShowerTransport.SCATTERING_STEP_X0, seed);
                double pathwise = tangent.lastSampleSlope();
                double h = 1e-4 * energy;
                double central = (primal.scatteredDirection(energy + h, ShowerTransport.SCATTERING_STEP_X0, seed)
                        - primal.scatteredDirection(energy - h, ShowerTransport.SCATTERING_STEP_X0, seed)) / (2 * h);
                assertThat(pathwise).as("%s MeV, seed %d", energy, seed)
                        .isCloseTo(central, within(1e-5 * Math.abs(central) + 1e-12));
            }
        }
    }

    private static final String STUDY = """
            {"name": "msc", "simulator": {"name": "calorimeter", "config": {"layers": 20, "multipleScattering": %s}},
             "parameters": [{"name": "e", "initial": 300, "frozen": true}, {"name": "a", "initial": 2.3},
               {"name": "g", "initial": 5.7}],
             "estimator": {"kind": "pathwise"}, "objective": {"type": "energy-resolution"},
             "optimizer": {"type": "sgd", "learningRate": 0.001}, "eventsPerStep": 30, "eventsPerBatch": 7,
             "maxSteps": 2, "seed": 9}
            """;

    @Test
    void aStudyWithMultipleScatteringIsBitIdenticalOnAnyNumberOfThreads() {
        StudyHistory reference = new StudyRunner(StudySpecs.fromJson(STUDY.formatted("true")), 1).run(r -> { });
        StudyHistory threaded = new StudyRunner(StudySpecs.fromJson(STUDY.formatted("true")), 3).run(r -> { });
        assertThat(threaded.steps()).isEqualTo(reference.steps());
        StudyHistory straight = new StudyRunner(StudySpecs.fromJson(STUDY.formatted("false")), 1).run(r -> { });
        assertThat(straight.steps()).isNotEqualTo(reference.steps());
    }
}
