package com.bankops.autoscaler.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

class PortAllocatorTest {

  @Test
  void handsOutDistinctPortsAndReusesReleasedOnesLast() throws Exception {
    PortAllocator ports = new PortAllocator(18900, 3);
    int a = ports.allocate();
    int b = ports.allocate();
    int c = ports.allocate();
    assertThat(a).isNotEqualTo(b).isNotEqualTo(c);
    assertThat(b).isNotEqualTo(c);
    assertThatThrownBy(ports::allocate).hasMessage("no free port in 127.0.0.1:18900..18902");
    ports.release(b);
    assertThat(ports.isTaken(b)).isFalse();
    assertThat(ports.allocate()).isEqualTo(b);
  }

  @Test
  void skipsPortsSomethingElseListensOn() throws Exception {
    try (ServerSocket squatter = new ServerSocket()) {
      squatter.bind(new InetSocketAddress("127.0.0.1", 0));
      int busy = squatter.getLocalPort();
      // a range, not just the next port: on a shared machine busy + 1 may be taken as well
      PortAllocator ports = new PortAllocator(busy, Math.min(50, 65536 - busy));
      assertThat(ports.reserve(busy)).isFalse();
      assertThat(ports.allocate()).isNotEqualTo(busy).isBetween(busy + 1, busy + 49);
    }
  }

  @Test
  void rejectsBadRanges() {
    assertThatThrownBy(() -> new PortAllocator(0, 1)).hasMessage("base: 0 (expected: 1..65535)");
    assertThatThrownBy(() -> new PortAllocator(65535, 2)).hasMessage("count: 2 (expected: 1..1)");
  }
}
