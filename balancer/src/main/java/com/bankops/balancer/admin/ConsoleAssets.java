package com.bankops.balancer.admin;

import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.StaticHandler;

/**
 * Serves the operator console (the bundle under {@code ui/} on the class path, built from {@code
 * console/}) at {@code /ui/}. The page itself holds no secret: it asks for the admin token and
 * sends it only in the Authorization header of its {@code /admin} calls.
 */
final class ConsoleAssets {
  static final String PATH = "/ui/";
  static final String CLASSPATH_ROOT = "ui";
  // Everything comes from the appliance itself; uPlot sets element styles from script, which
  // style-src does not govern, so no 'unsafe-inline' is needed.
  static final String CSP =
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
          + " connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

  private ConsoleAssets() {}

  static void mount(Router router) {
    // Route paths match with or without a trailing slash, so only the bare one redirects.
    router
        .get("/ui")
        .handler(
            rc -> {
              if (rc.request().path().equals("/ui")) {
                rc.redirect(PATH);
              } else {
                rc.next();
              }
            });
    router
        .route(PATH + "*")
        .handler(
            rc -> {
              rc.response()
                  .putHeader("Content-Security-Policy", CSP)
                  .putHeader("X-Content-Type-Options", "nosniff")
                  .putHeader("Referrer-Policy", "no-referrer")
                  .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache");
              rc.next();
            })
        .handler(
            StaticHandler.create(CLASSPATH_ROOT)
                .setIndexPage("index.html")
                .setCachingEnabled(false)
                .setDirectoryListing(false));
  }
}
