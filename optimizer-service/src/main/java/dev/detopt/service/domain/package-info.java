/**
 * The service's refusals as domain exceptions, below the web layer: what went wrong, in the
 * service's terms. The web layer maps each to its problem document in one place.
 */
package dev.detopt.service.domain;
