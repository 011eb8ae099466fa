/**
 * The autoscaler inside the appliance: the balancer's side of the autoscaler module's seams ({@link
 * com.bankops.autoscaler.signals.LoadSignals} over the membership and latency windows, {@link
 * com.bankops.autoscaler.registry.BackendRegistry} over the appliance's add and drain), the
 * decision log and metrics, and the admin operations. {@link
 * com.bankops.balancer.scaling.Autoscaling} wires them.
 */
package com.bankops.balancer.scaling;
