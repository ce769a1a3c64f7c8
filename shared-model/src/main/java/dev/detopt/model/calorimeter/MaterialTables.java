package dev.detopt.model.calorimeter;

/** Interpolation tables of both materials for one configuration (immutable, shared by threads). */
final class MaterialTables {
    /** Material index 0 is the absorber (even regions), 1 the gap (odd regions). */
    static final Material[] MATERIALS = {Material.PBWO4, Material.LIQUID_ARGON};

    final ChargedTable[] electron = new ChargedTable[2];
    final ChargedTable[] positron = new ChargedTable[2];
    final PhotonTable[] photon = new PhotonTable[2];
    final ElectromagneticPhysics[] physics = new ElectromagneticPhysics[2];
    final BremsstrahlungTable[] bremsstrahlung = new BremsstrahlungTable[2];

    MaterialTables(CalorimeterConfig config) {
        this(config, MATERIALS[0], MATERIALS[1]);
    }

    /** Other materials: tests use PbWO4 for both to make the geometry a pure relabelling. */
    MaterialTables(CalorimeterConfig config, Material absorber, Material gap) {
        Material[] materials = {absorber, gap};
        for (int m = 0; m < 2; m++) {
            physics[m] = new ElectromagneticPhysics(materials[m]);
            electron[m] = new ChargedTable(physics[m], false, config, CalorimeterConfig.MAX_ENERGY_MEV);
            positron[m] = new ChargedTable(physics[m], true, config, CalorimeterConfig.MAX_ENERGY_MEV);
            photon[m] = new PhotonTable(physics[m], config.photonTrackingCutMev(), CalorimeterConfig.MAX_ENERGY_MEV);
            bremsstrahlung[m] = new BremsstrahlungTable(physics[m], config.photonCutMev(), CalorimeterConfig.MAX_ENERGY_MEV);
        }
    }
}
