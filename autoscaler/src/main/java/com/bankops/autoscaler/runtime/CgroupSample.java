package com.bankops.autoscaler.runtime;

/**
 * One reading of a container's cgroup: cumulative CPU time and current memory, at a monotonic time.
 */
record CgroupSample(long cpuNanos, long memoryBytes, long atNanos) {}
