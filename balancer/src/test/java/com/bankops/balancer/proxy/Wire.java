package com.bankops.balancer.proxy;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * HTTP/1.1 messages read off raw sockets, so protocol tests see the exact wire: header fields in
 * the order and spelling they arrived, repeated fields kept apart, bodies framed by the rules of
 * RFC 9112 §6.3 (no body after HEAD, 1xx, 204 and 304; chunked; Content-Length; else to the close).
 */
final class Wire {
  private static final int MAX_LINE = 64 * 1024;

  private Wire() {}

  /** A start line and its header fields, as received. */
  record Head(String startLine, List<String[]> fields) {
    /** The first value of {@code name}, or null. */
    String get(String name) {
      for (String[] f : fields) {
        if (f[0].equalsIgnoreCase(name)) {
          return f[1];
        }
      }
      return null;
    }

    /** Every field line of {@code name}, in order. */
    List<String> all(String name) {
      List<String> values = new ArrayList<>();
      for (String[] f : fields) {
        if (f[0].equalsIgnoreCase(name)) {
          values.add(f[1]);
        }
      }
      return values;
    }

    /** The comma-separated elements of every {@code name} line, lower-cased. */
    List<String> tokens(String name) {
      List<String> tokens = new ArrayList<>();
      for (String v : all(name)) {
        for (String t : v.split(",")) {
          if (!t.isBlank()) {
            tokens.add(t.trim().toLowerCase(Locale.ROOT));
          }
        }
      }
      return tokens;
    }

    boolean chunked() {
      return tokens("transfer-encoding").contains("chunked");
    }
  }

  record Request(String method, String target, String version, Head head, byte[] body) {}

  record Response(int status, Head head, byte[] body) {
    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }

    String header(String name) {
      return head.get(name);
    }
  }

  /** Reads a head; null when the stream ends (or was reset) before its first byte. */
  static Head readHead(InputStream in) throws IOException {
    String start;
    try {
      start = readLine(in, true);
    } catch (java.net.SocketException reset) {
      return null;
    }
    if (start == null) {
      return null;
    }
    List<String[]> fields = new ArrayList<>();
    int total = start.length();
    for (String line = readLine(in, false); !line.isEmpty(); line = readLine(in, false)) {
      total += line.length();
      if (total > MAX_LINE) {
        throw new IOException("head longer than " + MAX_LINE + " bytes");
      }
      int colon = line.indexOf(':');
      if (colon <= 0) {
        throw new IOException("malformed header line: " + line);
      }
      fields.add(new String[] {line.substring(0, colon), line.substring(colon + 1).trim()});
    }
    return new Head(start, fields);
  }

  /** One request as a backend reads it; null when the connection ended between requests. */
  static Request readRequest(InputStream in) throws IOException {
    Head head = readHead(in);
    if (head == null) {
      return null;
    }
    String[] parts = head.startLine().split(" ", 3);
    if (parts.length != 3) {
      throw new IOException("malformed request line: " + head.startLine());
    }
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    if (head.chunked()) {
      readChunked(in, body);
    } else if (head.get("content-length") != null) {
      body.write(readExactly(in, Long.parseLong(head.get("content-length"))));
    }
    return new Request(parts[0], parts[1], parts[2], head, body.toByteArray());
  }

  /**
   * One response to a request with {@code method}, 1xx included (the caller reads on after one). A
   * response without framing is read to the close.
   */
  static Response readResponse(InputStream in, String method) throws IOException {
    Head head = readHead(in);
    if (head == null) {
      throw new EOFException("connection closed before a response");
    }
    int status = status(head);
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    if (!method.equals("HEAD") && status >= 200 && status != 204 && status != 304) {
      readBody(in, head, body);
    }
    return new Response(status, head, body.toByteArray());
  }

  static int status(Head head) {
    String[] parts = head.startLine().split(" ", 3);
    if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
      throw new IllegalStateException("not a status line: " + head.startLine());
    }
    return Integer.parseInt(parts[1]);
  }

  /** A response body into {@code sink}: chunked, Content-Length, or up to the close. */
  static void readBody(InputStream in, Head head, OutputStream sink) throws IOException {
    if (head.chunked()) {
      readChunked(in, sink);
    } else if (head.get("content-length") != null) {
      sink.write(readExactly(in, Long.parseLong(head.get("content-length"))));
    } else {
      in.transferTo(sink);
    }
  }

  /** Decodes a chunked body into {@code sink}; chunk extensions and trailer fields are dropped. */
  static void readChunked(InputStream in, OutputStream sink) throws IOException {
    byte[] buf = new byte[16 * 1024];
    while (true) {
      String sizeLine = readLine(in, false);
      int semi = sizeLine.indexOf(';');
      long size = Long.parseLong((semi < 0 ? sizeLine : sizeLine.substring(0, semi)).trim(), 16);
      if (size == 0) {
        while (!readLine(in, false).isEmpty()) {
          // trailer fields
        }
        return;
      }
      while (size > 0) {
        int n = in.read(buf, 0, (int) Math.min(buf.length, size));
        if (n < 0) {
          throw new EOFException("chunk cut short");
        }
        sink.write(buf, 0, n);
        size -= n;
      }
      if (!readLine(in, false).isEmpty()) {
        throw new IOException("chunk data not followed by CRLF");
      }
    }
  }

  private static byte[] readExactly(InputStream in, long length) throws IOException {
    byte[] b = in.readNBytes((int) length);
    if (b.length < length) {
      throw new EOFException("body cut short: " + b.length + " of " + length + " bytes");
    }
    return b;
  }

  /** A line without its CRLF; null on a clean end before the first byte when {@code eofOk}. */
  private static String readLine(InputStream in, boolean eofOk) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    while (true) {
      int c = in.read();
      if (c < 0) {
        if (eofOk && line.size() == 0) {
          return null;
        }
        throw new EOFException("stream ended inside a line: " + line);
      }
      if (c == '\n') {
        String s = line.toString(StandardCharsets.ISO_8859_1);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
      }
      if (line.size() >= MAX_LINE) {
        throw new IOException("line longer than " + MAX_LINE + " bytes");
      }
      line.write(c);
    }
  }

  /** A response with a Content-Length body; {@code fields} are raw "Name: value\r\n" lines. */
  static void writeResponse(OutputStream out, String statusLine, String fields, byte[] body)
      throws IOException {
    String head = statusLine + "\r\n" + fields + "Content-Length: " + body.length + "\r\n\r\n";
    out.write(head.getBytes(StandardCharsets.ISO_8859_1));
    out.write(body);
    out.flush();
  }

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }
}
