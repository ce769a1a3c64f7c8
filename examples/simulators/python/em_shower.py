#!/usr/bin/env python3
"""A parametrised longitudinal electromagnetic shower in a lead/scintillator sampling calorimeter,
speaking the detopt simulator protocol version 1 (docs/simulator-protocol.md). Standard library only.

Physics (per event, seeded only by the event seed detopt sends):
  * Longitudinal profile (Longo & Sestili, NIM 128 (1975) 283): dE/dt = E0 b (bt)^(a-1) e^(-bt) / Gamma(a),
    t in radiation lengths X0. The energy in a depth interval is a difference of the regularised
    incomplete gamma function P(a, b t).
  * Shower-to-shower fluctuations of the profile (Grindhammer & Peters, "The parameterized simulation
    of electromagnetic showers in homogeneous and sampling calorimeters", hep-ex/0001020): ln T and
    ln a are correlated Gaussians with <ln T> = ln(ln y - 0.858), sigma = 1/(-1.4 + 1.26 ln y),
    <ln a> = ln(0.21 + (0.492 + 2.38/Z) ln y), sigma = 1/(-0.58 + 0.86 ln y), rho = 0.705 - 0.023 ln y,
    y = E0/Ec, and b = (a - 1)/T. Lead's Z and critical energy are used for the whole stack (an
    approximation: the absorber dominates the X0 of the stack).
  * Sampling: the active layers see the fraction f = G S_act / (A S_abs + G S_act) of the deposited
    energy (minimum-ionising dE/dx). Sampling fluctuations sigma(E)/E = 2.7% sqrt(G[mm]/f)/sqrt(E[GeV])
    (PDG review "Calorimetry", sampling term), applied per layer as a Gaussian.
  * Leakage: energy beyond the last layer is lost; it is reported as an observable.

Material constants: PDG "Atomic and nuclear properties of materials": lead X0 = 5.612 mm, critical
energy (e-) 7.43 MeV, dE/dx_min = 1.122 MeV cm2/g x 11.35 g/cm3; polyvinyltoluene scintillator
X0 = 425.4 mm, dE/dx_min = 1.956 MeV cm2/g x 1.032 g/cm3.

Design parameters: absorber (A) and active (G) thickness per layer, in mm.
Observables: layer.0 .. layer.<L-1> (visible energy per active layer, MeV), leakage (MeV), visible
(sum of the layers) and visible.squared (so the energy-resolution objective applies).

Usage: em_shower.py [--layers L] [--tangents]
  --tangents  also report tangents d(observable)/d(parameter) (pathwise estimator), obtained by
              differentiating the same computation (the Gaussian draws are held fixed).
Configuration (the study's simulator.config): {"energyMeV": 10000}.
"""
import json
import math
import random
import struct
import sys

PROTOCOL = 1
X0_ABSORBER_MM = 5.612
X0_ACTIVE_MM = 425.4
CRITICAL_ENERGY_MEV = 7.43
Z_ABSORBER = 82
DEDX_ABSORBER = 1.122 * 11.35 / 10.0   # MeV/mm
DEDX_ACTIVE = 1.956 * 1.032 / 10.0     # MeV/mm
SAMPLING_TERM = 0.027                  # sqrt(GeV), times sqrt(G[mm]/f)


def gamma_p(a, x):
    """Regularised lower incomplete gamma P(a, x) and its density x^(a-1) e^-x / Gamma(a)."""
    if x <= 0.0:
        return 0.0, 0.0
    log_prefactor = a * math.log(x) - x - math.lgamma(a)
    density = math.exp(log_prefactor) / x
    if x < a + 1.0:
        term = 1.0 / a
        total = term
        n = a
        for _ in range(1000):
            n += 1.0
            term *= x / n
            total += term
            if abs(term) < abs(total) * 1e-15:
                break
        return min(1.0, total * math.exp(log_prefactor)), density
    # continued fraction for Q(a, x) (modified Lentz)
    tiny = 1e-300
    b = x + 1.0 - a
    c = 1.0 / tiny
    d = 1.0 / b
    h = d
    for i in range(1, 1000):
        an = -i * (i - a)
        b += 2.0
        d = an * d + b
        if abs(d) < tiny:
            d = tiny
        c = b + an / c
        if abs(c) < tiny:
            c = tiny
        d = 1.0 / d
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < 1e-15:
            break
    return max(0.0, 1.0 - math.exp(log_prefactor) * h), density


class Shower:
    def __init__(self, layers, tangents):
        self.layers = layers
        self.tangents = tangents
        self.energy = 10000.0

    def hello(self):
        return {
            "type": "hello", "protocol": PROTOCOL, "name": "em-shower", "version": "1.0",
            "parameters": [
                {"name": "absorber", "unit": "mm", "default": 5.6, "lower": 0.5, "upper": 30.0},
                {"name": "active", "unit": "mm", "default": 4.0, "lower": 0.5, "upper": 30.0},
            ],
            "observables": ["layer.%d" % i for i in range(self.layers)] + ["leakage", "visible", "visible.squared"],
            "capabilities": {"tangents": self.tangents, "scores": False, "deterministic": True},
            # For the dashboard: draw the design as the sampling stack, not as bars.
            "drawing": {"kind": "layers", "repeat": self.layers, "layers": [
                {"parameter": "absorber", "label": "absorber (lead)"},
                {"parameter": "active", "label": "active (scintillator)"},
            ]},
        }

    def configure(self, config):
        for key in config:
            if key != "energyMeV":
                raise ValueError("unknown configuration field '%s'; known: energyMeV" % key)
        energy = config.get("energyMeV", 10000.0)
        if not isinstance(energy, (int, float)) or not (100.0 <= energy <= 1e7):
            raise ValueError("energyMeV must be a number in [100, 1e7]")
        self.energy = float(energy)

    def event(self, seed, absorber, active, differentiate):
        """Observables and, per differentiated parameter k, d(observable)/d(theta_k)."""
        rng = random.Random(seed)
        ln_y = math.log(self.energy / CRITICAL_ENERGY_MEV)
        mean_ln_t = math.log(ln_y - 0.858)
        sigma_ln_t = 1.0 / (-1.4 + 1.26 * ln_y)
        mean_ln_a = math.log(0.21 + (0.492 + 2.38 / Z_ABSORBER) * ln_y)
        sigma_ln_a = 1.0 / (-0.58 + 0.86 * ln_y)
        rho = 0.705 - 0.023 * ln_y
        z1 = rng.gauss(0.0, 1.0)
        z2 = rng.gauss(0.0, 1.0)
        t_max = math.exp(mean_ln_t + sigma_ln_t * z1)
        alpha = max(1.0001, math.exp(mean_ln_a + sigma_ln_a * (rho * z1 + math.sqrt(1.0 - rho * rho) * z2)))
        beta = (alpha - 1.0) / t_max

        # geometry and its derivatives with respect to (absorber, active)
        depth = absorber / X0_ABSORBER_MM + active / X0_ACTIVE_MM
        d_depth = (1.0 / X0_ABSORBER_MM, 1.0 / X0_ACTIVE_MM)
        denominator = absorber * DEDX_ABSORBER + active * DEDX_ACTIVE
        fraction = active * DEDX_ACTIVE / denominator
        d_fraction = (-active * DEDX_ACTIVE * DEDX_ABSORBER / denominator ** 2,
                      DEDX_ACTIVE * absorber * DEDX_ABSORBER / denominator ** 2)
        width = absorber * DEDX_ABSORBER / DEDX_ACTIVE + active          # = G / f
        sampling = SAMPLING_TERM * math.sqrt(width)
        d_sampling = (SAMPLING_TERM * DEDX_ABSORBER / DEDX_ACTIVE / (2.0 * math.sqrt(width)),
                      SAMPLING_TERM / (2.0 * math.sqrt(width)))

        ks = differentiate
        cdf = []
        d_cdf = []
        for boundary in range(self.layers + 1):
            p, density = gamma_p(alpha, beta * boundary * depth)
            cdf.append(p)
            d_cdf.append([density * beta * boundary * d_depth[j] for j in ks])
        values = []
        tangents = []
        visible = 0.0
        d_visible = [0.0] * len(ks)
        for layer in range(self.layers):
            deposit = self.energy * (cdf[layer + 1] - cdf[layer])
            d_deposit = [self.energy * (d_cdf[layer + 1][k] - d_cdf[layer][k]) for k in range(len(ks))]
            z = rng.gauss(0.0, 1.0)
            if deposit > 1e-12:
                root = math.sqrt(1000.0 * deposit)
                smeared = deposit + sampling * root * z
                d_smeared = [d_deposit[k] + d_sampling[ks[k]] * root * z
                             + sampling * z * 1000.0 * d_deposit[k] / (2.0 * root) for k in range(len(ks))]
            else:
                smeared, d_smeared = 0.0, [0.0] * len(ks)
            if smeared <= 0.0:
                value, d_value = 0.0, [0.0] * len(ks)
            else:
                value = fraction * smeared
                d_value = [d_fraction[ks[k]] * smeared + fraction * d_smeared[k] for k in range(len(ks))]
            values.append(value)
            tangents.append(d_value)
            visible += value
            d_visible = [d_visible[k] + d_value[k] for k in range(len(ks))]
        leakage = self.energy * (1.0 - cdf[self.layers])
        values += [leakage, visible, visible * visible]
        tangents += [[-self.energy * d_cdf[self.layers][k] for k in range(len(ks))],
                     d_visible, [2.0 * visible * d_visible[k] for k in range(len(ks))]]
        return values, tangents


def send(out, message, payload=b""):
    out.write(json.dumps(message, separators=(",", ":")).encode() + b"\n")
    if payload:
        out.write(payload)
    out.flush()


def main(argv):
    layers, want_tangents = 20, False
    args = list(argv)
    while args:
        arg = args.pop(0)
        if arg == "--layers":
            layers = int(args.pop(0))
        elif arg == "--tangents":
            want_tangents = True
        else:
            sys.stderr.write("unknown argument %s\n" % arg)
            return 2
    shower = Shower(layers, want_tangents)
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    send(stdout, shower.hello())
    while True:
        line = stdin.readline()
        if not line:
            return 0  # detopt closed our stdin: exit
        message = json.loads(line)
        kind = message.get("type")
        if kind == "configure":
            try:
                shower.configure(message.get("config", {}))
            except ValueError as e:
                send(stdout, {"type": "error", "message": str(e)})
                return 1
            send(stdout, {"type": "ready"})
        elif kind == "batch":
            events = message["events"]
            seeds = struct.unpack("<%dQ" % events, stdin.read(8 * events))
            absorber, active = message["theta"]
            differentiate = message["differentiate"] if message["tangents"] else []
            if message["tangents"] and not want_tangents:
                send(stdout, {"type": "error", "id": message["id"], "message": "started without --tangents"})
                continue
            out = []
            for seed in seeds:
                values, tangents = shower.event(seed, absorber, active, differentiate)
                out.extend(values)
                for row in tangents:
                    out.extend(row)
            payload = struct.pack("<%dd" % len(out), *out)
            send(stdout, {"type": "result", "id": message["id"], "events": events,
                          "observables": layers + 3, "tangents": len(differentiate), "scores": 0,
                          "payloadBytes": len(payload)}, payload)
        else:
            send(stdout, {"type": "error", "message": "unknown message type %r" % kind})
            return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
