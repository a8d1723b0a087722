package socks5d.testkit.load;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One scenario's figures against one target (direct, a socks5d variant or a peer): named metrics in
 * insertion order, with {@code headline} naming the one compared across targets.
 *
 * <p>Immutable.
 */
public record Result(Scenario scenario, String target, String headline, Map<String, Object> metrics) {
    public Result {
        metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
    }

    /** The headline metric as a number (NaN when missing). */
    public double headlineValue() {
        Object v = metrics.get(headline);
        return v instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    /** The number of failed operations (connections or transactions), 0 when none were recorded. */
    public long errors() {
        Object v = metrics.get("errors");
        return v instanceof Number n ? n.longValue() : 0;
    }
}
