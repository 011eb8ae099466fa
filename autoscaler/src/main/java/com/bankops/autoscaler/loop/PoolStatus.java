package com.bankops.autoscaler.loop;

/**
 * One managed pool as of the last tick.
 *
 * @param desired what the last decision asked for
 * @param current instances running or starting (draining ones excluded)
 * @param ready instances taking traffic at the balancer
 * @param alertFloor the floor firing alerts set (0 without)
 * @param action the scale action in progress, or {@code "none"}
 */
public record PoolStatus(
    String pool, int desired, int current, int ready, int alertFloor, String action) {}
