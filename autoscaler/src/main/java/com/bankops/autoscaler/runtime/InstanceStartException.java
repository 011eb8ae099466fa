package com.bankops.autoscaler.runtime;

/** An instance could not be started or did not become ready; the message says why. */
public final class InstanceStartException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public InstanceStartException(String message) {
    super(message);
  }

  public InstanceStartException(String message, Throwable cause) {
    super(message, cause);
  }
}
