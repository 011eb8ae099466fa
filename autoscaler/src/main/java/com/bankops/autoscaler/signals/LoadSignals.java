package com.bankops.autoscaler.signals;

/**
 * The balancer's live measurements. Implemented by the balancer; called by the autoscaler loop
 * about once a second, off the event loop. Must be cheap and must not block on I/O.
 */
public interface LoadSignals {

  /** Per pool and per backend, as of now. A pool without backends may be absent. */
  LoadSnapshot sample();
}
