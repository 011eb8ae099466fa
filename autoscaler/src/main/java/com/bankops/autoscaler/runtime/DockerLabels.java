package com.bankops.autoscaler.runtime;

/**
 * The labels the docker runtime puts on its containers. A runtime adopts and removes only
 * containers carrying {@link #MANAGED_BY}={@link #MANAGED_BY_VALUE} and its own {@link #APPLIANCE};
 * tests clean up by the same two labels ({@code docker ps -aq --filter label=...}).
 */
public final class DockerLabels {
  public static final String MANAGED_BY = "com.bankops.managed-by";
  public static final String MANAGED_BY_VALUE = "bankops-autoscaler";
  public static final String APPLIANCE = "com.bankops.appliance";
  public static final String POOL = "com.bankops.pool";
  public static final String VERSION = "com.bankops.version";
  public static final String INSTANCE = "com.bankops.instance";
  public static final String PORT = "com.bankops.port";
  public static final String SEQUENCE = "com.bankops.sequence";

  private DockerLabels() {}
}
