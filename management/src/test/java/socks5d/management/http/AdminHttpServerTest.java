package socks5d.management.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;

import socks5d.management.accesslog.AccessLog;

/** The admin endpoint's pure pieces: HTTP Basic, forms, JSON escaping, readiness reasons. */
class AdminHttpServerTest {
    @Test
    void basicCredentialsAreDecodedAndMalformedOnesRejected() {
        assertArrayEquals(new String[] {"admin", "se:cret"}, AdminHttpServer.basic("Basic YWRtaW46c2U6Y3JldA==").get());
        assertArrayEquals(new String[] {"admin", "se:cret"}, AdminHttpServer.basic("basic YWRtaW46c2U6Y3JldA==").get());
        assertTrue(AdminHttpServer.basic("Bearer abc").isEmpty());
        assertTrue(AdminHttpServer.basic("Basic !!!").isEmpty());
        assertTrue(AdminHttpServer.basic("Basic YWRtaW4=").isEmpty(), "no colon");
        assertTrue(AdminHttpServer.basic("Basic").isEmpty());
    }

    @Test
    void formsAreUrlDecodedFirstValueWins() {
        assertEquals(Map.of("name", "a b&c", "password", "p=w", "x", ""),
                AdminHttpServer.parseForm("name=a+b%26c&password=p%3Dw&name=other&x&bad=%zz"));
    }

    @Test
    void jsonStringsEscapeQuotesControlsAndMarkup() {
        assertEquals("\"a\\\"b\\\\c\\n\\u0001\\u003c/script\\u003e\"", Json.str("a\"b\\c\n\u0001</script>"));
        assertEquals("null", Json.str(null));
        assertEquals("{\"a\":1,\"b\":\"x\"}", Json.obj("a", "1", "b", Json.str("x")));
        record Inner(long n, boolean on) {
        }
        record Outer(String name, int count, Inner inner) {
        }
        assertEquals("{\"name\":\"x\\u003c\",\"count\":2,\"inner\":{\"n\":5,\"on\":true}}",
                Json.record(new Outer("x<", 2, new Inner(5, true))));
    }

    @Test
    void accessLogEntriesBecomeJsonWithoutSurprises() {
        AccessLog.Entry e = new AccessLog.Entry(Instant.parse("2026-01-02T03:04:05Z"), null, "127.0.0.1", 4000,
                "evil\"host", 80, 2, 0, false);
        assertEquals("{\"time\":\"2026-01-02T03:04:05Z\",\"user\":null,\"kind\":\"A\",\"client\":\"127.0.0.1:4000\","
                + "\"destination\":\"evil\\\"host:80\",\"reply\":2,\"bytes\":0,\"auth\":false}", AdminHttpServer.entryJson(e));
    }

    @Test
    void readinessNamesWhatItWaitsFor() {
        Readiness r = new Readiness();
        assertEquals("starting: users not loaded yet", r.notReadyBecause());
        r.usersLoaded();
        assertEquals("starting: SOCKS listener not bound yet", r.notReadyBecause());
        r.socksBound();
        assertEquals(null, r.notReadyBecause());
        r.draining();
        assertEquals("shutting down: draining open sessions", r.notReadyBecause());
    }
}
