package com.bankops.balancer.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The netty engine's byte-level reading of backend answers: framing, kept and dropped header lines,
 * and the refusals, each fed whole and split at every byte.
 */
class ResponseParserTest {
  /** What a parser handed on: the rewritten head and the body bytes as forwarded. */
  private static final class Recorder implements ResponseParser.Sink {
    final List<String> heads = new ArrayList<>();
    final List<Integer> statuses = new ArrayList<>();
    final StringBuilder body = new StringBuilder();
    int lasts;
    boolean reusableAtLast;
    ResponseParser parser;
    boolean closeDelimited;

    @Override
    public void head(ResponseParser.Head head) {
      ByteBuf out = Unpooled.buffer();
      head.writeKept(out);
      assertThat(out.readableBytes()).isLessThanOrEqualTo(head.keptBound());
      heads.add(out.toString(StandardCharsets.ISO_8859_1));
      statuses.add(head.status());
      closeDelimited = head.closeDelimited();
    }

    @Override
    public void body(ByteBuf piece, boolean last) {
      body.append(piece.toString(StandardCharsets.ISO_8859_1));
      piece.release();
      if (last) {
        lasts++;
        reusableAtLast = parser.reusable();
      }
    }
  }

  private static ByteBuf bytes(String s) {
    return Unpooled.copiedBuffer(s, StandardCharsets.ISO_8859_1);
  }

  /** Feeds {@code wire} cut at {@code cut} (or whole when cut is 0); false when refused. */
  private static Recorder run(
      String wire, int cut, boolean noBody, boolean dechunk, boolean close) {
    Recorder r = new Recorder();
    ResponseParser p = new ResponseParser(r);
    r.parser = p;
    p.expect(noBody, dechunk);
    boolean ok;
    if (cut <= 0 || cut >= wire.length()) {
      ok = p.feed(bytes(wire));
    } else {
      ok = p.feed(bytes(wire.substring(0, cut))) && p.feed(bytes(wire.substring(cut)));
    }
    if (ok && close) {
      ok = p.inputClosed();
    }
    return ok ? r : null;
  }

  /** The same outcome whole and at every cut. */
  private static Recorder everyCut(String wire, boolean noBody, boolean dechunk, boolean close) {
    Recorder whole = run(wire, 0, noBody, dechunk, close);
    for (int cut = 1; cut < wire.length(); cut++) {
      Recorder r = run(wire, cut, noBody, dechunk, close);
      if (whole == null) {
        assertThat(r).as("refused at cut %d too", cut).isNull();
      } else {
        assertThat(r).as("cut %d", cut).isNotNull();
        assertThat(r.heads).as("cut %d", cut).isEqualTo(whole.heads);
        assertThat(r.body.toString()).as("cut %d", cut).isEqualTo(whole.body.toString());
        assertThat(r.lasts).as("cut %d", cut).isEqualTo(whole.lasts);
        assertThat(r.reusableAtLast).as("cut %d", cut).isEqualTo(whole.reusableAtLast);
      }
    }
    return whole;
  }

  @Test
  void contentLengthBodyIsHandedOnAndTheConnectionIsReusable() {
    Recorder r =
        everyCut(
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello",
            false,
            false,
            false);
    assertThat(r.heads)
        .containsExactly("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n");
    assertThat(r.body).hasToString("hello");
    assertThat(r.lasts).isEqualTo(1);
    assertThat(r.reusableAtLast).isTrue();
  }

  @Test
  void hopByHopLinesAndTheNamedOnesAndTheBackendsRequestIdAreDropped() {
    Recorder r =
        everyCut(
            "HTTP/1.1 201 Created\r\n"
                + "Connection: keep-alive, X-Secret\r\n"
                + "Keep-Alive: timeout=5\r\n"
                + "x-secret: 1\r\n"
                + "X-Request-Id: backend-own\r\n"
                + "Proxy-Connection: keep-alive\r\n"
                + "Upgrade: h2c\r\n"
                + "Location: /accounts/1\r\n"
                + "Content-Length: 0\r\n\r\n",
            false,
            false,
            false);
    assertThat(r.heads)
        .containsExactly("HTTP/1.1 201 Created\r\nLocation: /accounts/1\r\nContent-Length: 0\r\n");
    assertThat(r.body).isEmpty();
    assertThat(r.lasts).isEqualTo(1);
    assertThat(r.reusableAtLast).isTrue();
  }

  @Test
  void chunkedBodyGoesOnAsItCameTrailersIncluded() {
    String body =
        "4;ext=1\r\nWiki\r\n5\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n0\r\nX-Sum: 1\r\n\r\n";
    Recorder r =
        everyCut(
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 99\r\n\r\n" + body,
            false,
            false,
            false);
    assertThat(r.heads).containsExactly("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n");
    assertThat(r.body).hasToString(body);
    assertThat(r.reusableAtLast).isTrue();
  }

  @Test
  void chunkedBodyForAnHttp10ClientIsItsDataOnly() {
    Recorder r =
        everyCut(
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nWiki\r\n5\r\npedia\r\n0\r\n\r\n",
            false,
            true,
            false);
    assertThat(r.heads).containsExactly("HTTP/1.1 200 OK\r\n");
    assertThat(r.body).hasToString("Wikipedia");
    assertThat(r.lasts).isEqualTo(1);
  }

  @Test
  void interimAnswersAreSkippedAndHttp10StatusLinesAreRewritten() {
    Recorder r =
        everyCut(
            "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 102 Processing\r\n\r\n"
                + "HTTP/1.0 200 OK\nContent-Length: 2\nConnection: keep-alive\n\nok",
            false,
            false,
            false);
    assertThat(r.statuses).containsExactly(200);
    assertThat(r.heads).containsExactly("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n");
    assertThat(r.body).hasToString("ok");
    assertThat(r.reusableAtLast).isTrue();
  }

  @Test
  void http10WithoutKeepAliveAndConnectionCloseAreNotReused() {
    assertThat(
            everyCut("HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok", false, false, false)
                .reusableAtLast)
        .isFalse();
    assertThat(
            everyCut(
                    "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok",
                    false,
                    false,
                    false)
                .reusableAtLast)
        .isFalse();
  }

  @Test
  void bodiesWithoutLengthEndAtTheClose() {
    Recorder r =
        everyCut("HTTP/1.1 200 OK\r\nContent-Type: a/b\r\n\r\nall of it", false, false, true);
    assertThat(r.closeDelimited).isTrue();
    assertThat(r.body).hasToString("all of it");
    assertThat(r.lasts).isEqualTo(1);
    assertThat(r.reusableAtLast).isFalse();
    // a coding that is not chunked also ends at the close, and its Transfer-Encoding is dropped
    Recorder gz =
        everyCut("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nxyz", false, false, true);
    assertThat(gz.heads).containsExactly("HTTP/1.1 200 OK\r\n");
    assertThat(gz.body).hasToString("xyz");
  }

  @ParameterizedTest
  @ValueSource(strings = {"HEAD", "204", "304"})
  void answersWithoutABodyEndAtTheirHead(String which) {
    boolean head = which.equals("HEAD");
    String status = head ? "200 OK" : which + " X";
    Recorder r =
        everyCut("HTTP/1.1 " + status + "\r\nContent-Length: 10\r\n\r\n", head, false, false);
    assertThat(r.body).isEmpty();
    assertThat(r.lasts).isEqualTo(1);
    assertThat(r.reusableAtLast).isTrue();
  }

  @Test
  void aCutShortAnswerIsNotComplete() {
    Recorder r = new Recorder();
    ResponseParser p = new ResponseParser(r);
    r.parser = p;
    p.expect(false, false);
    assertThat(p.feed(bytes("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"))).isTrue();
    assertThat(p.inputClosed()).isFalse();
    assertThat(r.lasts).isZero();
  }

  @Test
  void bytesAfterTheAnswerMakeTheConnectionUnusable() {
    Recorder r = new Recorder();
    ResponseParser p = new ResponseParser(r);
    r.parser = p;
    p.expect(false, false);
    assertThat(p.feed(bytes("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokEXTRA"))).isFalse();
    assertThat(r.lasts).isEqualTo(1);
    assertThat(r.reusableAtLast).isFalse();
    // and bytes nobody asked for are refused
    assertThat(p.feed(bytes("HTTP/1.1 200 OK\r\n"))).isFalse();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "HTTP/2 200 OK\r\n\r\n",
        "HTTP/1.1 20 OK\r\n\r\n",
        "HTTP/1.1 2000 OK\r\n\r\n",
        "HTTP/1.1 abc OK\r\n\r\n",
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\n\r\n",
        "HTTP/1.1 200 OK\r\nX-A: 1\r\n folded\r\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length : 0\r\n\r\n",
        "HTTP/1.1 200 OK\r\n: no name\r\n\r\n",
        "HTTP/1.1 200 OK\r\nno colon\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nok",
        "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 1e3\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nokX\r\n0\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1000000000000000\r\n",
      })
  void malformedAnswersAreRefused(String wire) {
    assertThat(everyCut(wire, false, false, false)).isNull();
  }

  @Test
  void anOversizedHeadIsRefused() {
    String big = "HTTP/1.1 200 OK\r\nX-Big: " + "a".repeat(ResponseParser.MAX_HEAD_BYTES) + "\r\n";
    assertThat(run(big, 0, false, false, false)).isNull();
    assertThat(run(big + "\r\n", 100, false, false, false)).isNull();
  }

  @Test
  void aParserIsReusedForTheNextAnswer() {
    Recorder r = new Recorder();
    ResponseParser p = new ResponseParser(r);
    r.parser = p;
    for (int i = 0; i < 3; i++) {
      p.expect(false, false);
      assertThat(p.feed(bytes("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n" + i))).isTrue();
    }
    assertThat(r.body).hasToString("012");
    assertThat(r.lasts).isEqualTo(3);
  }
}
