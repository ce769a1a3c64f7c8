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

    public RandomGenerator stream(StreamPurpose purpose) {
        return streams.stream(step, eventIndex, purpose, 0);
    }
}
