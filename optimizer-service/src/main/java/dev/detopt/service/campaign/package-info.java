/**
 * Campaigns (issue 18): forks and extensions of studies, study groups (sweeps over seeds and spec
 * fields) with their seed bands and physics-vs-cost Pareto fronts, comparisons, notes and tags.
 * Builds on the {@code study} repositories and the {@code lifecycle}; the controllers are in {@code api}.
 */
package dev.detopt.service.campaign;
