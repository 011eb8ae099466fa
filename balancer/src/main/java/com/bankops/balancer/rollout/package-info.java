/**
 * Progressive canary delivery. Pure parts ({@link com.bankops.balancer.rollout.Analysis}, {@link
 * com.bankops.balancer.rollout.KillSwitch}, {@link com.bankops.balancer.rollout.RolloutMachine})
 * take figures and time as arguments; {@link com.bankops.balancer.rollout.RolloutController} does
 * the I/O: instances through the runtime, the canary share, the state file, metrics and
 * notifications.
 */
package com.bankops.balancer.rollout;
