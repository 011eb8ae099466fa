package com.bankops.balancer.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Notifications of rollout and scaling events (key {@code notifications}): where they go and how
 * hard delivery tries. Disabled by default. Each receiver gets its own queue of {@link
 * #queueCapacity} notifications; when it is full the oldest waiting one is dropped.
 */
public record NotificationsConfig(
    boolean enabled, int queueCapacity, List<Webhook> webhooks, Email email, Retry retry) {

  public static final int MAX_QUEUE_CAPACITY = 100_000;
  public static final int MAX_WEBHOOKS = 20;

  public NotificationsConfig {
    webhooks = List.copyOf(webhooks);
  }

  /** The names of the configured receivers, e.g. {@code [ops-slack, email]}. */
  public List<String> receiverNames() {
    List<String> names = new java.util.ArrayList<>(webhooks.stream().map(Webhook::name).toList());
    if (email.enabled()) {
      names.add(Email.RECEIVER_NAME);
    }
    return List.copyOf(names);
  }

  static NotificationsConfig read(ConfigNode n) {
    boolean enabled = n.bool("enabled");
    int capacity = n.intIn("queueCapacity", 1, MAX_QUEUE_CAPACITY);
    List<Webhook> webhooks = n.list("webhooks", Webhook::read);
    Email email = n.object("email", Email::read);
    Retry retry = n.object("retry", Retry::read);
    if (webhooks.size() > MAX_WEBHOOKS) {
      n.problem("webhooks", webhooks.size() + " entries", "at most " + MAX_WEBHOOKS);
    }
    Set<String> names = new HashSet<>();
    for (int i = 0; i < webhooks.size(); i++) {
      String name = webhooks.get(i).name();
      if (name.isEmpty()) {
        webhooks.set(i, webhooks.get(i).withName("webhook-" + (i + 1)));
        name = webhooks.get(i).name();
      }
      if (!names.add(name) || name.equals(Email.RECEIVER_NAME)) {
        n.problem(
            "webhooks[" + i + "].name",
            "\"" + name + "\"",
            "unique among receivers (\"" + Email.RECEIVER_NAME + "\" is the e-mail receiver)");
      }
    }
    if (enabled && webhooks.isEmpty() && !email.enabled()) {
      n.problem("enabled", true, "false, or at least one entry in webhooks or email.enabled: true");
    }
    return new NotificationsConfig(enabled, capacity, webhooks, email, retry);
  }

  /** How a webhook body is shaped. */
  public enum WebhookFormat {
    /** The notification as JSON: {@code {"type", "at", "summary", "fields", "source"}}. */
    JSON,
    /** What Slack incoming webhooks accept: {@code {"text", "blocks"}}. */
    SLACK;

    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }

    static Map<String, WebhookFormat> choices() {
      return Map.of("json", JSON, "slack", SLACK);
    }
  }

  /**
   * One webhook. The URL is never echoed in messages: a Slack webhook URL is its own secret.
   *
   * @param name the {@code receiver} label of the metrics; {@code webhook-N} when not given
   */
  public record Webhook(String name, String url, WebhookFormat format) {
    static Webhook read(ConfigNode n) {
      return new Webhook(
          n.optionalString("name", NotificationsConfig::isName, "1..64 of [A-Za-z0-9_.-]"),
          n.secret("url", NotificationsConfig::isHttpUrl, "an absolute http:// or https:// URL"),
          WebhookFormat.choices()
              .getOrDefault(
                  n.optionalString(
                      "format", WebhookFormat.choices()::containsKey, "one of: json, slack"),
                  WebhookFormat.JSON));
    }

    Webhook withName(String newName) {
      return new Webhook(newName, url, format);
    }

    @Override
    public String toString() {
      return "Webhook[name=" + name + ", url=<redacted>, format=" + format.wire() + "]";
    }
  }

  /** STARTTLS use on the SMTP connection. */
  public enum StartTls {
    DISABLED,
    OPTIONAL,
    REQUIRED;

    static Map<String, StartTls> choices() {
      return Map.of("disabled", DISABLED, "optional", OPTIONAL, "required", REQUIRED);
    }
  }

  /**
   * E-mail over SMTP. {@code to} is a comma-separated list (so one environment variable can set
   * it). Username empty: no login.
   */
  public record Email(
      boolean enabled,
      String host,
      int port,
      StartTls starttls,
      String username,
      String password,
      String from,
      List<String> to,
      String subjectPrefix) {
    public static final String RECEIVER_NAME = "email";

    public Email {
      to = List.copyOf(to);
    }

    static Email read(ConfigNode n) {
      boolean enabled = n.bool("enabled");
      String host = n.host("host");
      int port = n.intIn("port", 1, HttpConfig.MAX_PORT);
      StartTls starttls = n.oneOf("starttls", StartTls.choices(), StartTls.OPTIONAL);
      String username = n.optionalString("username", s -> s.length() <= 256, "up to 256 chars");
      String password = n.secret("password", s -> s.length() <= 1024, "up to 1024 characters");
      String from =
          n.optionalString("from", s -> s.isEmpty() || isAddress(s), "an address like a@b.example");
      String toText =
          n.optionalString(
              "to",
              s -> s.isBlank() || addresses(s).stream().allMatch(NotificationsConfig::isAddress),
              "comma-separated addresses like a@b.example, c@d.example");
      String prefix = n.optionalString("subjectPrefix", s -> s.length() <= 64, "up to 64 chars");
      List<String> to = toText.isBlank() ? List.of() : addresses(toText);
      if (enabled && from.isEmpty()) {
        n.problem("from", "\"\"", "a sender address when email.enabled is true");
      }
      if (enabled && to.isEmpty()) {
        n.problem("to", "\"\"", "at least one recipient when email.enabled is true");
      }
      return new Email(enabled, host, port, starttls, username, password, from, to, prefix);
    }

    @Override
    public String toString() {
      return "Email[enabled="
          + enabled
          + ", host="
          + host
          + ", port="
          + port
          + ", starttls="
          + starttls
          + ", username="
          + username
          + ", password=<redacted>, from="
          + from
          + ", to="
          + to
          + "]";
    }
  }

  /**
   * Retries: attempt n (n ≥ 1 failed so far) waits {@code min(maxDelayMs, initialDelayMs ×
   * multiplier^(n-1))}, less up to {@code jitter} of it at random, and gives up after {@code
   * maxAttempts} attempts or when the next attempt would start later than {@code maxAgeMs} after
   * the notification was published. Each attempt is cut off after {@code attemptTimeoutMs}.
   */
  public record Retry(
      int maxAttempts,
      int initialDelayMs,
      int maxDelayMs,
      double multiplier,
      double jitter,
      int maxAgeMs,
      int attemptTimeoutMs) {
    static Retry read(ConfigNode n) {
      Retry r =
          new Retry(
              n.intIn("maxAttempts", 1, 100),
              n.intIn("initialDelayMs", 1, 3_600_000),
              n.intIn("maxDelayMs", 1, 3_600_000),
              n.doubleIn("multiplier", 1.0, 10.0),
              n.doubleIn("jitter", 0.0, 1.0),
              n.intIn("maxAgeMs", 1, 86_400_000),
              n.intIn("attemptTimeoutMs", 100, 600_000));
      if (r.maxDelayMs < r.initialDelayMs) {
        n.problem("maxDelayMs", r.maxDelayMs, ">= initialDelayMs = " + r.initialDelayMs);
      }
      return r;
    }
  }

  static boolean isName(String s) {
    return !s.isEmpty()
        && s.length() <= 64
        && s.chars()
            .allMatch(
                c ->
                    (c >= 'a' && c <= 'z')
                        || (c >= 'A' && c <= 'Z')
                        || (c >= '0' && c <= '9')
                        || c == '_'
                        || c == '.'
                        || c == '-');
  }

  static boolean isHttpUrl(String s) {
    try {
      URI u = new URI(s);
      String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
      return (scheme.equals("http") || scheme.equals("https"))
          && u.getHost() != null
          && !u.getHost().isEmpty();
    } catch (URISyntaxException e) {
      return false;
    }
  }

  /** Deliberately loose: one {@code @}, something on each side, no spaces or angle brackets. */
  static boolean isAddress(String s) {
    int at = s.indexOf('@');
    return at > 0
        && at == s.lastIndexOf('@')
        && at < s.length() - 1
        && s.length() <= 254
        && s.chars().noneMatch(c -> c <= 0x20 || c == '<' || c == '>' || c == ',' || c >= 0x7f);
  }

  static List<String> addresses(String commaSeparated) {
    return Arrays.stream(commaSeparated.split(",")).map(String::trim).toList();
  }
}
