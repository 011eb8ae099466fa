package com.bankops.balancer.notify;

import com.bankops.balancer.config.NotificationsConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.mail.LoginOption;
import io.vertx.ext.mail.MailClient;
import io.vertx.ext.mail.MailConfig;
import io.vertx.ext.mail.MailMessage;
import io.vertx.ext.mail.StartTLSOptions;
import java.util.concurrent.TimeUnit;

/** Sends each notification as a plain-text e-mail over SMTP (vertx-mail-client, non-blocking). */
final class MailReceiver implements Receiver {
  private final NotificationsConfig.Email config;
  private final MailClient client;

  MailReceiver(Vertx vertx, NotificationsConfig.Email config, long timeoutMs) {
    this.config = config;
    int timeout = (int) Math.min(Integer.MAX_VALUE, timeoutMs);
    MailConfig mc =
        new MailConfig()
            .setHostname(config.host())
            .setPort(config.port())
            .setStarttls(starttls(config.starttls()))
            .setMaxPoolSize(DeliveryLane.MAX_IN_FLIGHT)
            .setKeepAlive(true);
    mc.setConnectTimeout(timeout);
    // a server that accepts and then goes silent must not keep pooled connections forever
    mc.setIdleTimeoutUnit(TimeUnit.MILLISECONDS);
    mc.setIdleTimeout(timeout);
    if (config.username().isEmpty()) {
      mc.setLogin(LoginOption.DISABLED);
    } else {
      mc.setLogin(LoginOption.REQUIRED)
          .setUsername(config.username())
          .setPassword(config.password());
    }
    this.client = MailClient.create(vertx, mc);
  }

  private static StartTLSOptions starttls(NotificationsConfig.StartTls s) {
    return switch (s) {
      case DISABLED -> StartTLSOptions.DISABLED;
      case OPTIONAL -> StartTLSOptions.OPTIONAL;
      case REQUIRED -> StartTLSOptions.REQUIRED;
    };
  }

  @Override
  public String name() {
    return NotificationsConfig.Email.RECEIVER_NAME;
  }

  @Override
  public Future<Void> send(Notification n) {
    MailMessage m =
        new MailMessage()
            .setFrom(config.from())
            .setTo(config.to())
            .setSubject(NotificationJson.mailSubject(config.subjectPrefix(), n))
            .setText(NotificationJson.mailText(n));
    m.addHeader("X-Bankops-Event", n.type());
    return client.sendMail(m).mapEmpty();
  }

  @Override
  public Future<Void> close() {
    return client.close();
  }
}
