package com.bankops.balancer.health;

/** The listener that hears nothing. */
enum NoopOutlierListener implements OutlierListener {
  INSTANCE
}
