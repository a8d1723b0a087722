package socks5d.management;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

import com.typesafe.config.ConfigFactory;

class ManagementServersTest {
    private final Logger logger = (Logger) LoggerFactory.getLogger(ManagementServers.class);
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    @BeforeEach
    void capture() {
        appender.start();
        logger.addAppender(appender);
    }

    @AfterEach
    void release() {
        logger.detachAppender(appender);
    }

    private static ManagementSettings settings(String address, int mcpPort) {
        return ManagementSettings.fromConfig(ConfigFactory.parseMap(Map.of(
                "socks5d.management.listen-address", address,
                "socks5d.management.mcp.port", mcpPort,
                "socks5d.management.mass.port", 0,
                "socks5d.management.pctp.port", 0)).withFallback(ConfigFactory.defaultReference()));
    }

    @Test
    void warnsThatMcpHasNoAuthenticationOffLoopback() {
        ManagementServers.warnUnlessLoopback(settings("0.0.0.0", 8080));
        assertEquals(1, appender.list.size());
        ILoggingEvent event = appender.list.get(0);
        assertEquals(Level.WARN, event.getLevel());
        assertTrue(event.getFormattedMessage().startsWith(
                "Management listen address [0.0.0.0] is not a loopback address: MCP has no authentication"),
                event.getFormattedMessage());
    }

    @Test
    void staysQuietOnLoopbackOrWithEveryListenerDisabled() {
        for (ManagementSettings s : List.of(settings("127.0.0.1", 8080), settings("::1", 8080), settings("0.0.0.0", 0))) {
            ManagementServers.warnUnlessLoopback(s);
        }
        assertEquals(List.of(), appender.list);
    }
}
