package com.bankops.balancer.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The netty engine's request checks and target rewriting, without sockets. */
class NettyFramingTest {
  private static HttpRequest request(String version, String fields) {
    HttpRequest r =
        new DefaultHttpRequest(HttpVersion.valueOf(version), HttpMethod.POST, "/transfers");
    if (!fields.isEmpty()) {
      for (String field : fields.split(";")) {
        String[] nv = field.split("=", 2);
        r.headers().add(nv[0].trim(), nv[1]);
      }
    }
    return r;
  }

  @ParameterizedTest(name = "{0} [{1}] -> {2}")
  @CsvSource(
      delimiter = '|',
      nullValues = "none",
      textBlock =
          """
          HTTP/1.1 | Host=bank                                   | none
          HTTP/1.1 | Host=bank;Transfer-Encoding=chunked         | none
          HTTP/1.1 | Host=bank;Transfer-Encoding=gzip, chunked   | none
          HTTP/1.1 | Host=bank;Transfer-Encoding=gzip,Chunked \t | none
          HTTP/1.1 | Host=bank;Transfer-Encoding=gzip            | Transfer-Encoding must end in chunked
          HTTP/1.1 | Host=bank;Transfer-Encoding=chunked, gzip   | Transfer-Encoding must end in chunked
          HTTP/1.1 | Host=bank;Transfer-Encoding=chunkedx        | Transfer-Encoding must end in chunked
          HTTP/1.1 | Host=bank;Transfer-Encoding=                | Transfer-Encoding must end in chunked
          HTTP/1.1 | ''                                          | no Host
          HTTP/1.1 | Host=a;Host=b                               | more than one Host
          HTTP/1.0 | ''                                          | none
          HTTP/1.0 | Host=a;Host=a                               | more than one Host
          """)
  void framingProblems(String version, String fields, String problem) {
    assertThat(InboundConnection.framingProblem(request(version, fields))).isEqualTo(problem);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      nullValues = "none",
      textBlock =
          """
          /a%20b?x=1&y=%2F                    | none                | /a%20b?x=1&y=%2F
          http://bank.example/a%20b?x=1       | bank.example        | /a%20b?x=1
          HTTP://Bank.Example:8443            | Bank.Example:8443   | /
          https://bank.example?q=1            | bank.example        | /?q=1
          http://[::1]:8080/p                 | [::1]:8080          | /p
          *                                   | none                | *
          """)
  void absoluteFormBecomesOriginForm(String target, String authority, String origin) {
    assertThat(NettyExchange.authorityOf(target)).isEqualTo(authority);
    assertThat(NettyExchange.originForm(target)).isEqualTo(origin);
  }
}
