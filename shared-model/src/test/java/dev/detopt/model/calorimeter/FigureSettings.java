package dev.detopt.model.calorimeter;

/**
 * The settings of a full-statistics figure program ({@code -Ddetopt.energy}, {@code -Ddetopt.events},
 * {@code -Ddetopt.seed}, {@code -Ddetopt.steps=h_e,h_a,h_g}), each defaulting to the program's own.
 */
record FigureSettings(double energy, int events, long seed, double[] steps, String stepsText) {
    static FigureSettings fromProperties(double energy, int events, String steps) {
        String text = System.getProperty("detopt.steps", steps);
        String[] stepText = text.split(",");
        double[] parsed = new double[3];
        for (int k = 0; k < 3; k++) {
            parsed[k] = Double.parseDouble(stepText[k]);
        }
        return new FigureSettings(Double.parseDouble(System.getProperty("detopt.energy", String.valueOf(energy))),
                Integer.parseInt(System.getProperty("detopt.events", String.valueOf(events))),
                Long.parseLong(System.getProperty("detopt.seed", "42")), parsed, text);
    }
}
