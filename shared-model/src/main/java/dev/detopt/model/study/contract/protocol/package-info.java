/**
 * The worker API's request and answer documents ({@code /api/v1/workers/…}, docs/api.md and
 * docs/worker.md): the one definition the service's controller, the worker's client and the
 * worker tests' fake service all read and write. A new field of a lease is one change here (plus
 * the migration and the repository that fill it).
 */
package dev.detopt.model.study.contract.protocol;
