package com.bankops.balancer.health;

/**
 * A backend's current ejection.
 *
 * @param multiplier the n of "n × base ejection time" (before the cap)
 */
public record Ejection(String backendId, EjectionReason reason, long untilNanos, int multiplier) {}
