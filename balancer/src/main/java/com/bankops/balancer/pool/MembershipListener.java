package com.bankops.balancer.pool;

/** Told about every membership change, after the new snapshot is published. */
public interface MembershipListener {
  MembershipListener NONE = new MembershipListener() {};

  default void added(Member member) {}

  default void stateChanged(Member before, Member after) {}

  default void removed(Member member) {}

  default void canaryShareChanged(int beforeBasisPoints, int afterBasisPoints) {}
}
