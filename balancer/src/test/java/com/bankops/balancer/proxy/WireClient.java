package com.bankops.balancer.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.security.MessageDigest;

/** One client connection to the proxy, written and read byte by byte, with a read timeout. */
final class WireClient implements AutoCloseable {
  static final int READ_TIMEOUT_MS = 5_000;

  final Socket socket = new Socket();
  InputStream in;
  final OutputStream out;

  WireClient(int port) throws IOException {
    socket.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
    socket.setSoTimeout(READ_TIMEOUT_MS);
    in = new BufferedInputStream(socket.getInputStream());
    out = socket.getOutputStream();
  }

  WireClient send(String ascii) throws IOException {
    return send(Wire.ascii(ascii));
  }

  WireClient send(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
    return this;
  }

  Wire.Response read(String method) throws IOException {
    return Wire.readResponse(in, method);
  }

  /** A GET on this connection, answered. */
  Wire.Response get(String target) throws IOException {
    return send("GET " + target + " HTTP/1.1\r\nHost: bank.example\r\n\r\n").read("GET");
  }

  /**
   * True if the proxy closed the connection (end of stream or reset) within {@code ms}; false if it
   * stays open and silent. Any byte read instead is a framing error: nothing was asked.
   */
  boolean closedWithin(int ms) throws IOException {
    socket.setSoTimeout(ms);
    try {
      int c = in.read();
      assertThat(c).as("bytes after the last response (framing error)").isEqualTo(-1);
      return true;
    } catch (SocketTimeoutException open) {
      return false;
    } catch (SocketException reset) {
      return true;
    } finally {
      if (!socket.isClosed()) {
        socket.setSoTimeout(READ_TIMEOUT_MS);
      }
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }

  /** Sleeps {@code pauseMs} after every {@code every} bytes read: a client slower than the LAN. */
  static final class Throttled extends FilterInputStream {
    private final int every;
    private final int pauseMs;
    private long sincePause;

    Throttled(InputStream in, int every, int pauseMs) {
      super(in);
      this.every = every;
      this.pauseMs = pauseMs;
    }

    @Override
    public int read() throws IOException {
      int c = super.read();
      account(c < 0 ? 0 : 1);
      return c;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, Math.min(len, 8 * 1024));
      account(Math.max(n, 0));
      return n;
    }

    private void account(int n) throws IOException {
      sincePause += n;
      if (sincePause >= every) {
        sincePause = 0;
        try {
          Thread.sleep(pauseMs);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException(e);
        }
      }
    }
  }

  /** Digests and counts what is written to it, keeping nothing. */
  static final class CountingDigest extends OutputStream {
    final MessageDigest digest;
    long count;

    CountingDigest(MessageDigest digest) {
      this.digest = digest;
    }

    @Override
    public void write(int b) {
      digest.update((byte) b);
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      digest.update(b, off, len);
      count += len;
    }
  }
}
