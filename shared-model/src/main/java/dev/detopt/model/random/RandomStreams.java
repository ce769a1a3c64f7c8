package dev.detopt.model.random;

import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;

/**
 * Counter-based random streams: the generator for (study seed, step, event index, purpose,
 * substream) is a pure function of those five numbers, so an event draws the same numbers on any
 * worker, thread or batch. Keys are built by chaining a strong 64-bit finaliser (the SplitMix64 /
 * Stafford "mix13" function) over the coordinates and seed an L64X128MixRandom.
 */
public final class RandomStreams {

    private static final RandomGeneratorFactory<RandomGenerator> FACTORY =
            RandomGeneratorFactory.of("L64X128MixRandom");

    private final long studySeed;

    public RandomStreams(long studySeed) {
        this.studySeed = studySeed;
    }

    public long studySeed() {
        return studySeed;
    }

    /** The stream of one event for one purpose. */
    public RandomGenerator stream(long step, long eventIndex, StreamPurpose purpose, int substream) {
        return FACTORY.create(key(studySeed, step, eventIndex, purpose.id(), substream));
    }

    public RandomGenerator stream(long step, long eventIndex, StreamPurpose purpose) {
        return stream(step, eventIndex, purpose, 0);
    }

    /** All streams of one event, handed to a simulator. */
    public EventRandomness event(long step, long eventIndex) {
        return new EventRandomness(this, step, eventIndex);
    }

    /**
     * The 64-bit seed of one event's stream, as handed to external simulator programs
     * (docs/simulator-protocol.md §4): the same key that seeds this class's generator for those coordinates.
     */
    public long eventSeed(long step, long eventIndex, StreamPurpose purpose, int substream) {
        return key(studySeed, step, eventIndex, purpose.id(), substream);
    }

    /** Mixed 64-bit key; distinct coordinates give unrelated keys. */
    static long key(long seed, long step, long eventIndex, int purpose, int substream) {
        long h = mix(seed ^ 0x9E3779B97F4A7C15L);
        h = mix(h + step * 0xBF58476D1CE4E5B9L + 0x632BE59BD9B4E019L);
        h = mix(h + eventIndex * 0x94D049BB133111EBL + 0x2545F4914F6CDD1DL);
        h = mix(h + (((long) purpose << 32) | (substream & 0xFFFFFFFFL)) * 0x9E3779B97F4A7C15L);
        return h;
    }

    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
