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
}
