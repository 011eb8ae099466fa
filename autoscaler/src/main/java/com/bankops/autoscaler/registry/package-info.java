/**
 * What the autoscaler needs from the balancer, as interfaces the balancer implements (dependency
 * direction: balancer → autoscaler).
 */
package com.bankops.autoscaler.registry;
