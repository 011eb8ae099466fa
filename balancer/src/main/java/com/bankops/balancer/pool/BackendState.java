package com.bankops.balancer.pool;

import java.util.Locale;

/**
 * Life cycle of a backend in a pool.
 *
 * <pre>
 * starting ─(ready)─► warming ─(slow start over)─► active ─(remove)─► draining ─► gone
 *                                    ▲    │
 *                                    └────┴─(outliers / failed checks)─► ejected ─(timer)─┘
 * </pre>
 *
 * Only warming and active backends take new requests (ejected ones too, in panic mode).
 */
public enum BackendState {
  STARTING,
  WARMING,
  ACTIVE,
  DRAINING,
  EJECTED;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public boolean takesTraffic() {
    return this == WARMING || this == ACTIVE;
  }
}
