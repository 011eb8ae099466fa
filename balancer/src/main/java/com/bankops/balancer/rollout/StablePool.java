package com.bankops.balancer.rollout;

import com.bankops.autoscaler.runtime.InstanceSpec;

/**
 * What a promotion tells whoever sizes the stable pool (the autoscaler). For a while the new
 * version runs beside the old one, so the pool looks twice its size: a sizer that scaled it in then
 * would pick the newest instances, the new version, while the promotion drains the old one, and the
 * pool would be left empty. Calls come in this order: {@link #replacing}, {@link #specReplaced}
 * (only when the new version serves), {@link #replaced} (always, also after a failed promotion).
 */
public interface StablePool {
  /** {@code version} is about to start beside the old one: do not scale the pool in. */
  void replacing(String version);

  /** Scale-outs start {@code spec} from now on. */
  void specReplaced(InstanceSpec spec);

  /** One version runs again (the old one is stopped, or the new one after a failure). */
  void replaced();
}
