package com.bankops.balancer.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.bankops.balancer.config.NotificationsConfig.StartTls;
import com.bankops.balancer.config.NotificationsConfig.WebhookFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NotificationsConfigTest {

  @Test
  void disabledByDefaultWithDocumentedRetries() {
    NotificationsConfig c = ApplianceConfig.defaults().notifications();

    assertThat(c.enabled()).isFalse();
    assertThat(c.webhooks()).isEmpty();
    assertThat(c.email().enabled()).isFalse();
    assertThat(c.receiverNames()).isEmpty();
    assertThat(c.queueCapacity()).isEqualTo(1000);
    assertThat(c.retry())
        .isEqualTo(new NotificationsConfig.Retry(6, 500, 30_000, 2.0, 0.5, 300_000, 10_000));
  }

  @Test
  void readsWebhooksAndEmail() {
    NotificationsConfig c =
        ApplianceConfig.fromYaml(
                """
                notifications:
                  enabled: true
                  webhooks:
                    - {url: "http://127.0.0.1:32001/hook"}
                    - {name: ops-slack, url: "https://hooks.example.test/T0/B0/xyz", format: slack}
                  email:
                    enabled: true
                    host: 127.0.0.1
                    port: 32025
                    starttls: disabled
                    from: bankops@example.test
                    to: "oncall@example.test, lead@example.test"
                  retry: {maxAttempts: 3, initialDelayMs: 100, maxDelayMs: 1000}
                """,
                Map.of())
            .notifications();

    assertThat(c.enabled()).isTrue();
    assertThat(c.webhooks())
        .extracting(NotificationsConfig.Webhook::name, NotificationsConfig.Webhook::format)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("webhook-1", WebhookFormat.JSON),
            org.assertj.core.groups.Tuple.tuple("ops-slack", WebhookFormat.SLACK));
    assertThat(c.email().to()).containsExactly("oncall@example.test", "lead@example.test");
    assertThat(c.email().starttls()).isEqualTo(StartTls.DISABLED);
    assertThat(c.receiverNames()).containsExactly("webhook-1", "ops-slack", "email");
    assertThat(c.retry().maxAttempts()).isEqualTo(3);
    assertThat(c.retry().multiplier()).isEqualTo(2.0); // untouched default
    // a Slack URL is a secret: never printed
    assertThat(c.webhooks().get(1).toString()).doesNotContain("xyz");
  }

  @Test
  void environmentSetsTheSmtpReceiver() {
    NotificationsConfig c =
        ApplianceConfig.fromYaml(
                "",
                Map.of(
                    "BANKOPS_NOTIFICATIONS_ENABLED", "true",
                    "BANKOPS_SMTP_ENABLED", "true",
                    "BANKOPS_SMTP_HOST", "smtp.example.test",
                    "BANKOPS_SMTP_PORT", "587",
                    "BANKOPS_SMTP_USERNAME", "bankops",
                    "BANKOPS_SMTP_PASSWORD", "s3cret-pass",
                    "BANKOPS_SMTP_FROM", "bankops@example.test",
                    "BANKOPS_SMTP_TO", "oncall@example.test"))
            .notifications();

    assertThat(c.enabled()).isTrue();
    assertThat(c.email().host()).isEqualTo("smtp.example.test");
    assertThat(c.email().port()).isEqualTo(587);
    assertThat(c.email().password()).isEqualTo("s3cret-pass");
    assertThat(c.email().to()).containsExactly("oncall@example.test");
    assertThat(c.email().toString()).doesNotContain("s3cret-pass");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "webhooks: [{url: 'ftp://x/y'}]"
            + " | notifications.webhooks[0].url: <redacted, 9 characters>"
            + " (expected: an absolute http:// or https:// URL)",
        "webhooks: [{url: 'http://a/b', format: teams}]"
            + " | notifications.webhooks[0].format: \"teams\" (expected: one of: json, slack)",
        "webhooks: [{url: 'http://a/b', name: 'bad name'}]"
            + " | notifications.webhooks[0].name: \"bad name\" (expected: 1..64 of [A-Za-z0-9_.-])",
        "webhooks: [{url: 'http://a/b', name: x}, {url: 'http://c/d', name: x}]"
            + " | notifications.webhooks[1].name: \"x\" (expected: unique among receivers",
        "webhooks: [{url: 'http://a/b', name: email}]"
            + " | notifications.webhooks[0].name: \"email\" (expected: unique among receivers",
        "webhooks: [{url: 'http://a/b', secret: 1}]"
            + " | notifications.webhooks[0].secret: unknown key",
        "email: {enabled: true, to: a@b.test}"
            + " | notifications.email.from: \"\" (expected: a sender address when email.enabled",
        "email: {enabled: true, from: a@b.test}"
            + " | notifications.email.to: \"\" (expected: at least one recipient",
        "email: {to: 'a@b.test, nobody'}"
            + " | notifications.email.to: \"a@b.test, nobody\" (expected: comma-separated",
        "email: {port: 0} | notifications.email.port: 0 (expected: 1..65535)",
        "email: {starttls: maybe} | notifications.email.starttls: \"maybe\" (expected one of:",
        "retry: {initialDelayMs: 5000, maxDelayMs: 1000}"
            + " | notifications.retry.maxDelayMs: 1000 (expected: >= initialDelayMs = 5000)",
        "retry: {jitter: 1.5} | notifications.retry.jitter: 1.5 (expected: 0.0..1.0)",
        "retry: {maxAttempts: 0} | notifications.retry.maxAttempts: 0 (expected: 1..100)",
        "queueCapacity: 0 | notifications.queueCapacity: 0 (expected: 1..100000)",
        "enabled: true | notifications.enabled: true (expected: false, or at least one entry",
      })
  void rejectsBadValuesNamingTheField(String yaml, String message) {
    String doc = "notifications:\n  " + yaml.trim() + "\n";

    assertThatThrownBy(() -> ApplianceConfig.fromYaml(doc, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(message.trim());
  }

  @Test
  void environmentProblemsNameTheVariable() {
    assertThatThrownBy(
            () ->
                ApplianceConfig.fromYaml(
                    "", Map.of("BANKOPS_SMTP_PORT", "smtp", "BANKOPS_SMTP_ENABLED", "yes")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("notifications.email.port: \"smtp\"")
        .hasMessageContaining("[from BANKOPS_SMTP_PORT]")
        .hasMessageContaining("notifications.email.enabled: \"yes\" (expected: true or false)");
  }

  @Test
  void listsOnlyAcceptedAddresses() {
    assertThat(NotificationsConfig.isAddress("oncall@example.test")).isTrue();
    for (String bad : List.of("", "@x", "x@", "a@b@c", "a b@c", "<a@b>")) {
      assertThat(NotificationsConfig.isAddress(bad)).as(bad).isFalse();
    }
  }
}
