/**
 * Where bank instances run. {@link com.bankops.autoscaler.runtime.ContainerRuntime} is the seam;
 * implementations are package-private and reached through its static factories. The process runtime
 * (local child JVMs on 127.0.0.1) is the embedded default; docker and kubernetes follow.
 */
package com.bankops.autoscaler.runtime;
