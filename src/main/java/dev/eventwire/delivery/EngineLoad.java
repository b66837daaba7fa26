package dev.eventwire.delivery;

/**
 * What the engine holds right now: {@code lanes} (webhooks with a lane in this process), {@code inFlight}
 * (HTTP requests under way) and {@code held} (deliveries queued in lanes, in flight, or waiting for their
 * outcome to be written).
 */
public record EngineLoad(int lanes, int inFlight, int held) {
}
