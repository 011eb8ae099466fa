package com.bankops.balancer.notify;

import com.bankops.balancer.config.NotificationsConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;

/**
 * POSTs each notification as JSON, in the generic or the Slack shape. A 2xx answer is delivered;
 * 408, 425, 429 and 5xx are worth another attempt; other answers are not (a wrong URL or a rejected
 * body will not fix itself). Each webhook has its own client, so a hanging receiver holds only its
 * own connections.
 */
final class WebhookReceiver implements Receiver {
  /** A notifier sends at most this many at once to one webhook. */
  static final int MAX_CONNECTIONS = DeliveryLane.MAX_IN_FLIGHT;

  private final String name;
  private final String url;
  private final NotificationsConfig.WebhookFormat format;
  private final long timeoutMs;
  private final HttpClient client;

  WebhookReceiver(Vertx vertx, NotificationsConfig.Webhook config, long timeoutMs) {
    this.name = config.name();
    this.url = config.url();
    this.format = config.format();
    this.timeoutMs = timeoutMs;
    this.client =
        vertx
            .httpClientBuilder()
            .with(
                new HttpClientOptions()
                    .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, timeoutMs))
                    .setKeepAlive(true))
            .with(new PoolOptions().setHttp1MaxSize(MAX_CONNECTIONS).setMaxWaitQueueSize(64))
            .build();
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Future<Void> send(Notification n) {
    JsonObject body =
        format == NotificationsConfig.WebhookFormat.SLACK
            ? NotificationJson.slack(n)
            : NotificationJson.generic(n);
    RequestOptions options =
        new RequestOptions()
            .setMethod(HttpMethod.POST)
            .setAbsoluteURI(url)
            .setConnectTimeout(timeoutMs)
            .setIdleTimeout(timeoutMs)
            .putHeader(HttpHeaders.CONTENT_TYPE, "application/json; charset=utf-8")
            .putHeader(HttpHeaders.USER_AGENT, "bankops-notifier");
    return client
        .request(options)
        .compose(req -> req.send(Buffer.buffer(body.encode())))
        .compose(
            resp ->
                resp.body()
                    .compose(
                        ignored -> {
                          int s = resp.statusCode();
                          if (s >= 200 && s < 300) {
                            return Future.succeededFuture();
                          }
                          return Future.failedFuture(
                              new DeliveryException("HTTP " + s, retryable(s)));
                        }));
  }

  static boolean retryable(int status) {
    return status == 408 || status == 425 || status == 429 || status >= 500;
  }

  @Override
  public Future<Void> close() {
    return client.close();
  }
}
