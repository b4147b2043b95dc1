package io.github.emo4j.pack;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void roundTripsDocuments() {
        Object doc = Json.parse("{\"a\": [1, 2.5, -3e2, true, false, null], \"b\": {\"c\": \"x\\\"y\\u00e9\\n\"}}");
        Map<?, ?> m = (Map<?, ?>) doc;
        assertEquals(List.of(1.0, 2.5, -300.0, true, false), ((List<?>) m.get("a")).subList(0, 5));
        assertEquals("x\"y\u00e9\n", ((Map<?, ?>) m.get("b")).get("c"));
        assertEquals(doc, Json.parse(Json.write(doc)));
    }

    @Test
    void refusesMalformedAndHostileInput() {
        for (String bad : new String[] {"", "{", "{\"a\" 1}", "[1,]x", "\"unterminated", "{\"a\":tru}", "01x", "[" .repeat(100) + "]".repeat(100)}) {
            assertThrows(IllegalArgumentException.class, () -> Json.parse(bad), bad);
        }
    }

    @Test
    void readsPythonsNonFiniteNumbersOnlyWhereAsked() {
        Map<?, ?> m = (Map<?, ?>) Json.parsePython("{\"a\": NaN, \"b\": Infinity, \"c\": -Infinity, \"d\": [-1.5, NaN]}");
        assertTrue(Double.isNaN((Double) m.get("a")));
        assertEquals(Double.POSITIVE_INFINITY, m.get("b"));
        assertEquals(Double.NEGATIVE_INFINITY, m.get("c"));
        assertEquals(-1.5, ((List<?>) m.get("d")).get(0));
        for (String bad : new String[] {"{\"a\": NaN}", "Infinity", "-Infinity"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.parse(bad), bad);
            assertTrue(e.getMessage().contains("Python's, not JSON's") || e.getMessage().contains("bad number"), e.getMessage());
        }
        for (String bad : new String[] {"-Inf", "Infinit", "NaNa", "-NaN", "inf"}) {
            assertThrows(IllegalArgumentException.class, () -> Json.parsePython(bad), bad);
        }
    }
}
