package socks5d.proxy;

import java.util.Locale;

import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.ContextInitializer;
import ch.qos.logback.core.joran.spi.JoranException;

/**
 * The log line format (docs/operations.md, Logs): {@code text} (the default) or {@code json}, one JSON
 * object per line from logback's JsonEncoder. logback.xml picks its appenders by the system property
 * {@code socks5d.log.format}; choosing json by flag or config sets it and reloads the configuration,
 * before the actor system starts. Stateless.
 */
final class LogFormat {
    static final String PROPERTY = "socks5d.log.format";

    private LogFormat() {
    }

    /** Checks {@code value} ({@code socks5d.proxy.log-format}); throws IllegalArgumentException unless text or json. */
    static String parse(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        if (!v.equals("text") && !v.equals("json")) {
            throw new IllegalArgumentException("--log-format must be text or json, was " + value);
        }
        return v;
    }

    /** Switches logging to {@code format} if it is not in force already. */
    static void apply(String format) {
        String current = System.getProperty(PROPERTY, "text");
        if (current.equals(format)) {
            return;
        }
        System.setProperty(PROPERTY, format);
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            context.reset();
            try {
                new ContextInitializer(context).autoConfig();
            } catch (JoranException e) {
                throw new IllegalStateException("cannot reload the logging configuration", e);
            }
        }
    }
}
