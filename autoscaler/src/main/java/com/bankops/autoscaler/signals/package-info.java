/**
 * What the balancer measures, as the autoscaler reads it every tick: {@link
 * com.bankops.autoscaler.signals.LoadSignals#sample()} returns plain immutable records.
 */
package com.bankops.autoscaler.signals;
