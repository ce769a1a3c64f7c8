package dev.detopt.service.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.detopt.service.dashboard.ColourVision.Vision;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The colour-difference helper of the colour-vision test, against published numbers. */
class ColourVisionTest {
    /** Test pairs of Sharma, Wu &amp; Dalal (2005), Table 1: L1 a1 b1, L2 a2 b2, ΔE00 to four decimals. */
    @ParameterizedTest
    @CsvSource({
        "50, 2.6772, -79.7751, 50, 0, -82.7485, 2.0425",
        "50, 3.1571, -77.2803, 50, 0, -82.7485, 2.8615",
        "50, 2.8361, -74.0200, 50, 0, -82.7485, 3.4412",
        "50, 0, 0, 50, -1, 2, 2.3669",
        "50, 2.49, -0.001, 50, -2.49, 0.0009, 7.1792",
        "50, 2.5, 0, 61, -5, 29, 22.8977",
        "50, 2.5, 0, 56, -27, -3, 31.9030",
        "50, 2.5, 0, 58, 24, 15, 19.4535",
        "60.2574, -34.0099, 36.2677, 60.4626, -34.1751, 39.4387, 1.2644",
    })
    void ciede2000MatchesSharmasTestData(double l1, double a1, double b1, double l2, double a2, double b2, double expected) {
        assertThat(ColourVision.deltaE2000(new double[] {l1, a1, b1}, new double[] {l2, a2, b2})).isCloseTo(expected, within(5e-5));
    }

    @Test
    void whiteAndBlackLookTheSameToEveryoneAndRedAndGreenMergeForDichromats() {
        for (Vision vision : Vision.values()) {
            // Each Machado matrix's rows sum to 1: white stays white (to the matrices' six decimals).
            assertThat(ColourVision.deltaE2000("#ffffff", "#fff", vision)).isCloseTo(0, within(1e-9));
            assertThat(ColourVision.lab("#ffffff", vision)[0]).isCloseTo(100, within(1e-3));
            assertThat(ColourVision.lab("#000", vision)[0]).isCloseTo(0, within(1e-9));
        }
        // The classic confusion: a red and a green of similar lightness, far apart normally, close
        // for protanopes and deuteranopes, still apart for tritanopes.
        String red = "#cc3300", green = "#4d8000";
        assertThat(ColourVision.deltaE2000(red, green, Vision.NORMAL)).isGreaterThan(40);
        assertThat(ColourVision.deltaE2000(red, green, Vision.PROTANOPIA)).isLessThan(15);
        assertThat(ColourVision.deltaE2000(red, green, Vision.DEUTERANOPIA)).isLessThan(15);
        assertThat(ColourVision.deltaE2000(red, green, Vision.TRITANOPIA)).isGreaterThan(30);
        assertThat(ColourVision.parse("rgba(0, 114, 178, 0.35)")).containsExactly(0, 114, 178);
    }
}
