package dev.detopt.model.random;

import java.util.random.RandomGenerator;

/** The random streams of one event (study seed, step and event index fixed). */
public final class EventRandomness {
    private final RandomStreams streams;
    private final long step;
    private final long eventIndex;

    EventRandomness(RandomStreams streams, long step, long eventIndex) {
        this.streams = streams;
        this.step = step;
        this.eventIndex = eventIndex;
    }

    public long step() {
        return step;
    }

    public long eventIndex() {
        return eventIndex;
    }

    public RandomGenerator stream(StreamPurpose purpose, int substream) {
        return streams.stream(step, eventIndex, purpose, substream);
    }

    /**
     * The stream of the even event of this event's pair (2k, 2k+1) for {@code purpose}: both events of
     * an antithetic pair draw the same numbers, still a pure function of (seed, step, event index).
     */
    public RandomGenerator pairedStream(StreamPurpose purpose) {
        return streams.stream(step, eventIndex - (eventIndex & 1L), purpose, 0);
    }

    /** Whether this event is the odd (mirrored) member of its pair (2k, 2k+1). */
    public boolean secondOfPair() {
        return (eventIndex & 1L) != 0;
    }

    public RandomGenerator stream(StreamPurpose purpose) {
        return streams.stream(step, eventIndex, purpose, 0);
    }
}
