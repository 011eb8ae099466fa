package com.bankops.balancer.console;

import com.bankops.balancer.admin.AdminError;
import com.bankops.balancer.admin.AdminModule;
import com.bankops.balancer.admin.AdminOperations;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /admin/console/stream}: the console's live frames as Server-Sent Events. Behind the
 * bearer token like every admin path; the page reads it with {@code fetch} (which can send the
 * Authorization header, unlike {@code EventSource}), so the token never appears in a URL or log.
 */
public final class ConsoleModule implements AdminModule {
  private final ConsoleFeed feed;

  public ConsoleModule(ConsoleFeed feed) {
    this.feed = feed;
  }

  @Override
  public void register(AdminOperations ops) {
    ops.on("streamConsole", this::stream);
  }

  private void stream(RoutingContext rc) {
    if (feed.subscribers() >= ConsoleFeed.MAX_SUBSCRIBERS) {
      tooMany(rc);
      return;
    }
    HttpServerResponse response =
        rc.response()
            .setChunked(true)
            .putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream; charset=utf-8")
            .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
            .putHeader("X-Accel-Buffering", "no");
    response.write(": bankops console stream, one frame per second\n\n");
    if (!feed.subscribe(response)) {
      response.end(": too many console streams\n\n");
    }
  }

  private static void tooMany(RoutingContext rc) {
    rc.response().putHeader("Retry-After", "5");
    new AdminError(
            503,
            "unavailable",
            "stream",
            "at most " + ConsoleFeed.MAX_SUBSCRIBERS + " console streams may be open at once")
        .send(rc);
  }
}
