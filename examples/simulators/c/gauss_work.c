/*
 * A minimal detopt simulator in C (protocol version 1, docs/simulator-protocol.md), for speed
 * measurements: y_i = mu + sigma * z_i (i < M), z_i standard normal from the event seed, after a
 * configurable amount of deterministic work per event. Reports tangents dy_i/dmu = 1,
 * dy_i/dsigma = z_i and, with --scores, the score of the event's density
 * d log p/dmu = sum_i z_i/sigma, d log p/dsigma = sum_i (z_i^2 - 1)/sigma. Deterministic per event seed.
 *
 *   gcc -O2 -o gauss_work gauss_work.c -lm
 *   gauss_work [--observables M] [--work N] [--scores]    N: rounds of a 64-bit mixing loop per event (0: no-op)
 *   gauss_work --standalone EVENTS [--observables M] [--work N]
 *       simulates EVENTS events without the protocol and prints events/s (the program's own rate)
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static uint64_t mix(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

/* Uniform in (0, 1) from a SplitMix64 state. */
static double uniform(uint64_t *state) {
    *state += 0x9E3779B97F4A7C15ULL;
    return ((mix(*state) >> 11) + 0.5) * 0x1.0p-53;
}

static int observables = 10;
static long work = 0;
static int scores = 0;

/* Writes y (M values) and z (M values) of one event. */
static void simulate(uint64_t seed, double mu, double sigma, double *y, double *z) {
    uint64_t state = seed;
    for (long k = 0; k < work; k++) {
        state = mix(state + (uint64_t) k);
    }
    for (int i = 0; i < observables; i += 2) {
        double u1 = uniform(&state), u2 = uniform(&state);
        double r = sqrt(-2.0 * log(u1));
        z[i] = r * cos(2.0 * M_PI * u2);
        if (i + 1 < observables) z[i + 1] = r * sin(2.0 * M_PI * u2);
    }
    for (int i = 0; i < observables; i++) y[i] = mu + sigma * z[i];
}

static const char *field(const char *line, const char *name) {
    char key[64];
    snprintf(key, sizeof key, "\"%s\":", name);
    const char *at = strstr(line, key);
    return at ? at + strlen(key) : NULL;
}

static long long integer(const char *line, const char *name) {
    const char *at = field(line, name);
    return at ? strtoll(at, NULL, 10) : -1;
}

static int boolean(const char *line, const char *name) {
    const char *at = field(line, name);
    return at && strncmp(at, "true", 4) == 0;
}

/* Reads a JSON array of numbers; returns its length. */
static int numbers(const char *line, const char *name, double *out, int max) {
    const char *at = field(line, name);
    if (!at || *at != '[') return -1;
    at++;
    int count = 0;
    while (*at && *at != ']' && count < max) {
        char *end;
        out[count++] = strtod(at, &end);
        at = end;
        if (*at == ',') at++;
    }
    return count;
}

int main(int argc, char **argv) {
    long standalone = 0;
    for (int a = 1; a < argc; a++) {
        if (!strcmp(argv[a], "--observables") && a + 1 < argc) observables = atoi(argv[++a]);
        else if (!strcmp(argv[a], "--work") && a + 1 < argc) work = atol(argv[++a]);
        else if (!strcmp(argv[a], "--scores")) scores = 1;
        else if (!strcmp(argv[a], "--standalone") && a + 1 < argc) standalone = atol(argv[++a]);
        else { fprintf(stderr, "unknown argument %s\n", argv[a]); return 2; }
    }
    if (observables < 1 || observables > 100000) { fprintf(stderr, "bad --observables\n"); return 2; }
    double *y = malloc(sizeof(double) * observables), *z = malloc(sizeof(double) * observables);
    if (standalone > 0) {
        struct timespec t0, t1;
        double sink = 0;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        for (long e = 0; e < standalone; e++) {
            simulate(mix((uint64_t) e), 0.5, 1.0, y, z);
            sink += y[0];
        }
        clock_gettime(CLOCK_MONOTONIC, &t1);
        double seconds = (t1.tv_sec - t0.tv_sec) + 1e-9 * (t1.tv_nsec - t0.tv_nsec);
        printf("%ld events in %.3f s: %.1f events/s (checksum %.6g)\n", standalone, seconds, standalone / seconds, sink);
        return 0;
    }

    setvbuf(stdout, NULL, _IOFBF, 1 << 16);
    printf("{\"type\":\"hello\",\"protocol\":1,\"name\":\"gauss-work\",\"version\":\"1.0\","
           "\"parameters\":[{\"name\":\"mu\",\"default\":0.0},{\"name\":\"sigma\",\"default\":1.0,\"lower\":0.0}],"
           "\"observables\":[");
    for (int i = 0; i < observables; i++) printf("%s\"y.%d\"", i ? "," : "", i);
    printf("],\"capabilities\":{\"tangents\":true,\"scores\":%s,\"deterministic\":true}}\n", scores ? "true" : "false");
    fflush(stdout);

    size_t capacity = 1 << 20;
    char *line = malloc(capacity);
    double *out = NULL;
    size_t out_capacity = 0;
    uint64_t *seeds = NULL;
    size_t seed_capacity = 0;
    while (1) {
        ssize_t length = getline(&line, &capacity, stdin);
        if (length <= 0) return 0; /* stdin closed: exit */
        if (strstr(line, "\"type\":\"configure\"")) {
            printf("{\"type\":\"ready\"}\n");
            fflush(stdout);
            continue;
        }
        if (!strstr(line, "\"type\":\"batch\"")) {
            printf("{\"type\":\"error\",\"message\":\"unknown message\"}\n");
            fflush(stdout);
            return 1;
        }
        long long id = integer(line, "id");
        long long events = integer(line, "events");
        double theta[2];
        double diff[2];
        if (numbers(line, "theta", theta, 2) != 2 || events < 0) return 1;
        int differentiated = numbers(line, "differentiate", diff, 2);
        if (differentiated < 0) return 1;
        int n = boolean(line, "tangents") ? differentiated : 0;
        int ns = boolean(line, "scores") ? differentiated : 0;
        if ((size_t) events > seed_capacity) {
            seed_capacity = events;
            seeds = realloc(seeds, sizeof(uint64_t) * seed_capacity);
        }
        if (fread(seeds, sizeof(uint64_t), events, stdin) != (size_t) events) return 1;
        size_t per_event = observables + (size_t) observables * n + ns;
        if (per_event * events > out_capacity) {
            out_capacity = per_event * events;
            out = realloc(out, sizeof(double) * out_capacity);
        }
        for (long long e = 0; e < events; e++) {
            double *row = out + per_event * e;
            simulate(seeds[e], theta[0], theta[1], row, z);
            for (int i = 0; i < observables; i++)
                for (int k = 0; k < n; k++)
                    row[observables + i * n + k] = diff[k] == 0 ? 1.0 : z[i];
            for (int k = 0; k < ns; k++) {
                double sum = 0;
                for (int i = 0; i < observables; i++) sum += diff[k] == 0 ? z[i] : z[i] * z[i] - 1.0;
                row[observables + (size_t) observables * n + k] = sum / theta[1];
            }
        }
        printf("{\"type\":\"result\",\"id\":%lld,\"events\":%lld,\"observables\":%d,\"tangents\":%d,\"scores\":%d,"
               "\"payloadBytes\":%zu}\n", id, events, observables, n, ns, (size_t) (sizeof(double) * per_event * events));
        fwrite(out, sizeof(double), per_event * events, stdout); /* x86-64 and arm64: little-endian */
        fflush(stdout);
    }
}
