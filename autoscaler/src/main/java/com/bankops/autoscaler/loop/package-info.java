/**
 * The reconcile loop: every tick it samples the balancer's {@link
 * com.bankops.autoscaler.signals.LoadSignals}, feeds the windows, asks the pure {@link
 * com.bankops.autoscaler.policy.ScalingPolicy} and acts through a {@link
 * com.bankops.autoscaler.runtime.ContainerRuntime} and the balancer's {@link
 * com.bankops.autoscaler.registry.BackendRegistry}. Time and scheduling are injected; tests call
 * {@link com.bankops.autoscaler.loop.ReconcileLoop#tick()} by hand.
 */
package com.bankops.autoscaler.loop;
