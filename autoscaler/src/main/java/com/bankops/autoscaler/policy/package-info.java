/**
 * The scaling arithmetic, apart from the loop and the runtimes: {@link
 * com.bankops.autoscaler.policy.ScalingPolicy#decide} is a pure function of its input (which
 * carries the time and the history) and returns the desired replica count with its reason.
 */
package com.bankops.autoscaler.policy;
