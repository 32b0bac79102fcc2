package dev.parley.notify;

import dev.parley.ParleyConfig;
import dev.parley.Platform;
import io.vertx.core.Vertx;
import io.vertx.ext.mail.LoginOption;
import io.vertx.ext.mail.MailClient;
import io.vertx.ext.mail.MailConfig;
import io.vertx.ext.mail.StartTLSOptions;

/** The SMTP client of a node, configured from {@link Platform.Mail} and {@link ParleyConfig}. */
final class Mailer {

  private Mailer() {
  }

  static MailConfig config(Platform.Mail mail, ParleyConfig config) {
    int timeoutMs = (int) config.smtpTimeout().toMillis();
    MailConfig c = new MailConfig()
        .setHostname(mail.smtpHost())
        .setPort(mail.smtpPort())
        .setMaxPoolSize(Math.max(1, config.smtpPoolSize()))
        .setKeepAlive(true)
        .setOwnHostname(config.replyDomain())
        .setUserAgent("Parley");
    c.setConnectTimeout(timeoutMs);
    c.setIdleTimeout(timeoutMs);
    c.setIdleTimeoutUnit(java.util.concurrent.TimeUnit.MILLISECONDS);
    switch (mail.smtpTls()) {
      case "tls" -> c.setSsl(true).setStarttls(StartTLSOptions.DISABLED);
      case "starttls" -> c.setStarttls(StartTLSOptions.REQUIRED);
      default -> c.setStarttls(StartTLSOptions.DISABLED);
    }
    if (mail.smtpUsername() != null && !mail.smtpUsername().isBlank()) {
      c.setLogin(LoginOption.REQUIRED).setUsername(mail.smtpUsername()).setPassword(mail.smtpPassword());
    } else {
      c.setLogin(LoginOption.DISABLED);
    }
    return c;
  }

  static MailClient create(Vertx vertx, Platform platform) {
    return MailClient.create(vertx, config(platform.mail(), platform.config()));
  }
}
