package socks5d.management.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ConnectionGaugeTest {
    @Test
    void keepsTheConfiguredMaximumWhenTheDescriptorsSuffice() {
        assertEquals(9500, ConnectionGauge.fitToDescriptors(9500, 20_000));
        assertEquals(9500, ConnectionGauge.fitToDescriptors(9500, -1));
    }

    @Test
    void lowersTheMaximumToTwoDescriptorsPerClientBelowALowOpenFileLimit() {
        // 256 - (64 + 256 / 32) = 184 descriptors, two per client
        assertEquals(92, ConnectionGauge.fitToDescriptors(9500, 256));
        assertEquals(92, ConnectionGauge.fitToDescriptors(0, 256));
        assertEquals(1, ConnectionGauge.fitToDescriptors(9500, 10));
    }
}
